package dev.kernelgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kernelgate.kernels.ExecuteOptions;
import dev.kernelgate.kernels.ExecutionListener;
import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.kernels.KernelClient;
import dev.kernelgate.kernels.KernelConnection;
import dev.kernelgate.kernels.KernelManager;
import dev.kernelgate.kernels.KernelManagerConfig;
import dev.kernelgate.kernels.KernelStartRequest;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.WireMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A prespawned kernel is exercised before it joins the pool, and nothing of that shows to its first client. */
class PrespawnWarmUpTest {

    @Test
    void aWarmedKernelAnsweredKernelInfoOnFreshConnectionsAndItsFirstExecuteIsStillNumberOne(@TempDir Path dir)
            throws Exception {
        try (KernelManager manager = new KernelManager(
                KernelManagerConfig.defaults(Map.of()).withRuntimeDir(dir.resolve("runtime")),
                new KernelSpecCatalog(KernelSpecSearchPath.of(KernelSpecSearchPath.SYSTEM_DATA_DIRS.stream()
                        .map(d -> d.resolve("kernels")).toList(), List.of())))) {
            Kernel kernel = manager.startAndWait(new KernelStartRequest("python3", Map.of(), dir, "warm-up"))
                    .get(60, TimeUnit.SECONDS);
            // Requests by type, as the kernel's busy statuses on IOPub name their parents.
            Map<String, AtomicInteger> busyFor = new ConcurrentHashMap<>();
            KernelConnection watcher = KernelConnection.open(kernel, "watcher", (channel, message) -> {
                if (channel == Channel.IOPUB && "status".equals(message.msgType())
                        && "busy".equals(Json.peekString(message.content(), "execution_state"))) {
                    String parentType = Json.peekString(message.parentHeader(), "msg_type");
                    busyFor.computeIfAbsent(parentType, t -> new AtomicInteger()).incrementAndGet();
                }
            }).get(30, TimeUnit.SECONDS);

            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
            try {
                assertSame(kernel, PrespawnWarmUp.warm(kernel, scheduler).get(60, TimeUnit.SECONDS));
            } finally {
                scheduler.shutdownNow();
            }

            assertEquals(PrespawnWarmUp.CONNECTIONS * PrespawnWarmUp.ROUND_TRIPS,
                    busyFor.getOrDefault("kernel_info_request", new AtomicInteger()).get(), busyFor.toString());
            assertEquals(1, busyFor.getOrDefault("is_complete_request", new AtomicInteger()).get(),
                    busyFor.toString());
            try (KernelClient client = KernelClient.connect(kernel).get(30, TimeUnit.SECONDS)) {
                var result = client.execute("1+1", ExecuteOptions.defaults(), ExecutionListener.ignoring())
                        .result().get(30, TimeUnit.SECONDS);
                assertEquals(1, result.reply().content().path("execution_count").asInt(), result.toString());
            }
            watcher.close();
        }
    }
}
