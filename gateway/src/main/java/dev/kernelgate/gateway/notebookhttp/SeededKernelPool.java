package dev.kernelgate.gateway.notebookhttp;

import dev.kernelgate.kernels.ExecuteOptions;
import dev.kernelgate.kernels.ExecuteResult;
import dev.kernelgate.kernels.ExecutionListener;
import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.kernels.KernelClient;
import dev.kernelgate.kernels.KernelManager;
import dev.kernelgate.kernels.KernelStartRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kernels that serve a notebook's endpoints in turn: each started from the same request and seeded with the
 * notebook's other code cells. A request borrows one kernel and returns it; while all are lent, requests wait in
 * arrival order. Never blocks: borrowing completes a future. A kernel that restarts (it died, or was restarted)
 * is seeded again before it serves again; a dead one leaves the pool, and when none is left requests fail at once.
 */
final class SeededKernelPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SeededKernelPool.class);

    private final KernelManager manager;
    private final List<KernelClient> clients;
    private final List<String> seedCells;
    private final Deque<KernelClient> free;
    private final Deque<CompletableFuture<KernelClient>> waiting = new ArrayDeque<>();
    /** Lent to a request. */
    private final Set<KernelClient> lent = new HashSet<>();
    /** Restarted (their memory is gone) and not yet seeded again: never handed out. */
    private final Set<KernelClient> reseeding = new HashSet<>();
    /** Dead, or could not be seeded again: out of the pool for good. */
    private final Set<KernelClient> gone = new HashSet<>();
    private boolean closed;

    private SeededKernelPool(KernelManager manager, List<KernelClient> clients, List<String> seedCells) {
        this.manager = manager;
        this.clients = List.copyOf(clients);
        this.seedCells = List.copyOf(seedCells);
        this.free = new ArrayDeque<>(clients);
        for (KernelClient client : this.clients) {
            client.kernel().addListener(new Kernel.Listener() {
                @Override
                public void onRestarting(Kernel kernel) {
                    lostMemory(client);
                }

                @Override
                public void onRestarted(Kernel kernel) {
                    lostMemory(client); // a restart on request says only this
                    reseed(client);
                }

                @Override
                public void onDead(Kernel kernel, String reason) {
                    retire(client, "its kernel died: " + reason);
                }
            });
        }
    }

    /** The kernel lost what the seed cells made: it serves nothing until seeded again. */
    private synchronized void lostMemory(KernelClient client) {
        if (!gone.contains(client)) {
            free.remove(client);
            reseeding.add(client);
        }
    }

    private void reseed(KernelClient client) {
        log.warn("kernel {} of the notebook-http pool restarted; running the seed cells again", client.kernel().id());
        seed(client, seedCells, 0).whenComplete((ok, error) -> {
            if (error != null) {
                retire(client, "seeding it again failed: " + rootMessage(error));
                manager.shutdown(client.kernel().id(), true);
                return;
            }
            boolean handOut;
            synchronized (this) {
                handOut = reseeding.remove(client) && !lent.contains(client) && !gone.contains(client);
            }
            if (handOut) {
                release(client);
            }
        });
    }

    /** Out of the pool for good; when no kernel is left, waiting requests hear why instead of waiting for ever. */
    private void retire(KernelClient client, String why) {
        List<CompletableFuture<KernelClient>> abandoned = List.of();
        synchronized (this) {
            if (!gone.add(client)) {
                return;
            }
            free.remove(client);
            reseeding.remove(client);
            log.error("kernel {} left the notebook-http pool: {}", client.kernel().id(), why);
            if (gone.size() == clients.size()) {
                abandoned = List.copyOf(waiting);
                waiting.clear();
            }
        }
        abandoned.forEach(f -> f.completeExceptionally(new IllegalStateException(
                "no kernel of the notebook-http pool is left: " + why)));
    }

    /**
     * Starts {@code size} kernels at once and seeds each; completes when all are ready, or fails (with every kernel
     * started so far shut down) when one does not start or a seed cell fails.
     */
    static CompletableFuture<SeededKernelPool> start(KernelManager manager, int size,
                                                     Supplier<KernelStartRequest> request,
                                                     List<String> seedCells) {
        List<CompletableFuture<Kernel>> kernels = new ArrayList<>();
        List<CompletableFuture<KernelClient>> starting = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            CompletableFuture<Kernel> kernel = manager.startAndWait(request.get());
            kernels.add(kernel);
            starting.add(kernel.thenCompose(KernelClient::connect)
                    .thenCompose(client -> seed(client, seedCells, 0).thenApply(ok -> client)));
        }
        return CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).handle((ok, error) -> {
            List<KernelClient> ready = new ArrayList<>();
            for (CompletableFuture<KernelClient> f : starting) {
                if (!f.isCompletedExceptionally()) {
                    ready.add(f.join());
                }
            }
            SeededKernelPool pool = new SeededKernelPool(manager, ready, seedCells);
            if (error != null) {
                pool.close();
                // Kernels that started but failed their seeding are not in the pool: shut those down too.
                kernels.stream().filter(k -> !k.isCompletedExceptionally())
                        .forEach(k -> manager.shutdown(k.join().id(), true));
                throw new IllegalStateException("the notebook-http kernels did not start: " + rootMessage(error),
                        error);
            }
            log.info("{} seeded kernel(s) serve the notebook's endpoints", ready.size());
            return pool;
        });
    }

    private static CompletableFuture<Void> seed(KernelClient client, List<String> cells, int index) {
        if (index >= cells.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return client.execute(cells.get(index), ExecuteOptions.defaults(), ExecutionListener.ignoring()).result()
                .thenCompose(result -> {
                    if (!result.ok()) {
                        throw new IllegalStateException("Error seeding kernel memory: cell " + (index + 1)
                                + " of the seed cells failed: " + failure(result));
                    }
                    return seed(client, cells, index + 1);
                });
    }

    private static String failure(ExecuteResult result) {
        return result.reply().content().path("ename").asText("") + ": "
                + result.reply().content().path("evalue").asText("");
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && (t instanceof CompletionException
                || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Completes with a kernel's client now if one is free, else when one is returned (first come, first served). */
    CompletableFuture<KernelClient> acquire() {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the kernel pool is closed"));
            }
            if (gone.size() == clients.size()) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "no kernel of the notebook-http pool is left"));
            }
            KernelClient client = free.poll();
            if (client != null) {
                lent.add(client);
                return CompletableFuture.completedFuture(client);
            }
            CompletableFuture<KernelClient> turn = new CompletableFuture<>();
            waiting.add(turn);
            return turn;
        }
    }

    /** Hands the kernel to the longest waiting request, or back to the free ones. */
    void release(KernelClient client) {
        CompletableFuture<KernelClient> next;
        synchronized (this) {
            lent.remove(client);
            if (reseeding.contains(client) || gone.contains(client)) {
                return; // the re-seeding hands it out when it is done; a gone one never again
            }
            next = waiting.poll();
            if (next == null) {
                free.add(client);
                return;
            }
            lent.add(client);
        }
        next.complete(client); // outside the lock: the waiter's request continues on this thread
    }

    @Override
    public void close() {
        List<CompletableFuture<KernelClient>> abandoned;
        synchronized (this) {
            closed = true;
            abandoned = List.copyOf(waiting);
            waiting.clear();
        }
        abandoned.forEach(f -> f.completeExceptionally(new IllegalStateException("the gateway is stopping")));
        for (KernelClient client : clients) {
            client.close();
            manager.shutdown(client.kernel().id(), true);
        }
    }
}
