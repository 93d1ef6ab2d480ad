package dev.kernelgate.gateway;

import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.kernels.KernelClient;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exercises a prespawned kernel before it joins the pool: a few connections, each with a hundred kernel_info round
 * trips, then one is_complete. A kernel's first connection and first replies pay for its cold start (a JVM kernel
 * loads and links the classes of its socket, JSON and signing paths on them and runs them interpreted until its JIT
 * compiles them, a few hundred messages in; the Java kernel builds its JShell in the background after its first
 * reply, a second of CPU on a small machine, and answers is_complete once that is done), so without this the client
 * that takes the kernel from the pool pays it. It costs a pooled ipykernel about half a second before it joins. Neither request has an effect a
 * client could see: no execution count, no history, no output. Then it waits until the kernel's process has gone
 * quiet ({@link QuietProcess}: a JVM kernel compiles for a while after such a start), at most
 * {@link #SETTLE_TIMEOUT}. A kernel that does not answer is_complete, or stays busy, joins the pool anyway.
 */
final class PrespawnWarmUp {
    private static final Logger log = LoggerFactory.getLogger(PrespawnWarmUp.class);
    static final int CONNECTIONS = 3;
    static final int ROUND_TRIPS = 100;
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

    private PrespawnWarmUp() {
    }

    /** Completes with {@code kernel} once warmed; a failure is logged and does not keep the kernel out. */
    static CompletableFuture<Kernel> warm(Kernel kernel, ScheduledExecutorService scheduler) {
        return warm(kernel, scheduler, () -> true);
    }

    /** As above; stops early (and completes) once {@code wanted} says no: a client has taken the kernel. */
    static CompletableFuture<Kernel> warm(Kernel kernel, ScheduledExecutorService scheduler, BooleanSupplier wanted) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int c = 0; c < CONNECTIONS; c++) {
            boolean last = c == CONNECTIONS - 1;
            chain = chain.thenCompose(done -> oneConnection(kernel, last, wanted));
        }
        return chain.handle((done, error) -> {
            if (error != null) {
                log.debug("warming prespawned kernel {} stopped early: {}", kernel.id(), error.toString());
            }
            return null;
        }).thenCompose(done -> wanted.getAsBoolean() ? QuietProcess.await(kernel.pid(), SETTLE_TIMEOUT, scheduler)
                : CompletableFuture.completedFuture(false)).thenApply(quiet -> kernel);
    }

    private static CompletableFuture<Void> oneConnection(Kernel kernel, boolean last, BooleanSupplier wanted) {
        if (!wanted.getAsBoolean()) {
            return CompletableFuture.completedFuture(null);
        }
        return KernelClient.connect(kernel).thenCompose(client -> {
            CompletableFuture<Message> replies = client.kernelInfo();
            for (int i = 1; i < ROUND_TRIPS; i++) {
                replies = replies.thenCompose(reply -> wanted.getAsBoolean() ? client.kernelInfo()
                        : CompletableFuture.completedFuture(reply));
            }
            if (last) {
                replies = replies.thenCompose(reply -> wanted.getAsBoolean() ? client.request(Channel.SHELL,
                        "is_complete_request", Json.object().put("code", "1"), SETTLE_TIMEOUT)
                        : CompletableFuture.completedFuture(reply));
            }
            return replies.whenComplete((reply, error) -> client.close()).thenApply(reply -> null);
        });
    }
}
