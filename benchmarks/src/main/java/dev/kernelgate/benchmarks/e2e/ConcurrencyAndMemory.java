package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * On a fresh gateway: resident memory idle, with K kernels, and with N WebSocket connections over them while each
 * connection runs M executes. Each execute prints a line naming its client and request, so a lost or misrouted
 * message shows as a missing or foreign line.
 */
final class ConcurrencyAndMemory {
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(3);

    record Result(String server, int kernels, int clients, int requestsPerClient, double seconds,
                  Distribution latency, long lost, long misrouted, long rssIdle, List<Long> rssWithKernels,
                  long rssRightAfterRequests, List<Long> rssWithConnections, Distribution opens,
                  long serverWarnings) {
        double requestsPerSecond() {
            return clients * (double) requestsPerClient / seconds;
        }
    }

    /** How long after the work (start, kernels ready, requests answered) the resident set is first read. */
    static final long SETTLE_MILLIS = 6_000;
    /** How many readings, a second apart: one reading may fall on a JIT compilation's scratch memory. */
    static final int READINGS = 5;

    /** The median of settled readings. */
    static long median(List<Long> readings) {
        return readings.stream().sorted().toList().get(readings.size() / 2);
    }

    private ConcurrencyAndMemory() {
    }

    static Result kernelgate(Bench bench) throws Exception {
        try (ServerProcess gateway = bench.servers().kernelgate("kernelgate-concurrency", Map.of())) {
            return run(bench, gateway, true);
        }
    }

    /** jupyter_server for comparison: memory with K kernels (and the same concurrent load, legacy framing). */
    static Result jupyterServer(Bench bench) throws Exception {
        try (ServerProcess server = bench.servers().jupyterServer("jupyter_server-concurrency", true)) {
            return run(bench, server, false);
        }
    }

    private static Result run(Bench bench, ServerProcess server, boolean v1) throws Exception {
        Sizes sizes = bench.sizes();
        long rssIdle = median(settledRss(server));
        List<String> kernels = new ArrayList<>();
        List<WsSession> sessions = new ArrayList<>();
        try {
            for (int k = 0; k < sizes.kernels(); k++) {
                kernels.add(bench.rest().startKernel(server, "python3"));
            }
            for (String id : kernels) {
                // Ready: each kernel has answered kernel_info through the server once.
                WsSession.open(bench.group(), server, id, v1).close();
            }
            List<Long> rssKernels = settledRss(server);
            bench.log("%s: %d kernels ready, opening %d connections", server.name(), kernels.size(), sizes.clients());
            List<Double> opens = new ArrayList<>();
            for (int c = 0; c < sizes.clients(); c++) {
                long t = System.nanoTime();
                sessions.add(WsSession.open(bench.group(), server, kernels.get(c % kernels.size()), v1));
                opens.add((System.nanoTime() - t) / 1e6);
            }
            ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
            AtomicLong lost = new AtomicLong();
            AtomicLong misrouted = new AtomicLong();
            long start = System.nanoTime();
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < sessions.size(); c++) {
                clients.add(requests(sessions.get(c), c, 0, sizes.requestsPerClient(), latencies, lost, misrouted));
            }
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            long rssRightAfter = server.rssBytes();
            List<Long> rssConnections = settledRss(server);
            for (WsSession s : sessions) {
                misrouted.addAndGet(s.tracker().foreignReplies());
            }
            return new Result(server.name(), kernels.size(), sessions.size(), sizes.requestsPerClient(), seconds,
                    Distribution.of(server.name(), new ArrayList<>(latencies)), lost.get(), misrouted.get(),
                    rssIdle, rssKernels, rssRightAfter, rssConnections, Distribution.of("connection open", opens),
                    server.warnings());
        } finally {
            sessions.forEach(WsSession::close);
            for (String id : kernels) {
                bench.rest().deleteKernel(server, id);
            }
        }
    }

    /**
     * What the server holds, not the scratch memory of the work just done: a JVM returns its JIT compiler's arenas
     * to the system every 5 s (TrimNativeHeapInterval), so the readings start {@link #SETTLE_MILLIS} later; both
     * servers wait alike.
     */
    private static List<Long> settledRss(ServerProcess server) throws Exception {
        Thread.sleep(SETTLE_MILLIS);
        List<Long> readings = new ArrayList<>();
        for (int i = 0; i < READINGS; i++) {
            if (i > 0) {
                Thread.sleep(1_000);
            }
            readings.add(server.rssBytes());
        }
        return readings;
    }

    /** Client {@code c}'s requests from {@code r} on, one after the other. */
    private static CompletableFuture<Void> requests(WsSession session, int c, int r, int count,
                                                    ConcurrentLinkedQueue<Double> latencies, AtomicLong lost,
                                                    AtomicLong misrouted) {
        if (r == count) {
            return CompletableFuture.completedFuture(null);
        }
        String expected = "c" + c + "-r" + r + "\n";
        var pending = session.submit("print('" + expected.strip() + "')", true);
        return pending.done.orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((outcome, error) -> {
                    if (error != null) {
                        lost.incrementAndGet();
                    } else {
                        latencies.add(outcome.millis());
                        String got = pending.stdout.toString();
                        if (!got.equals(expected)) {
                            if (got.isEmpty()) {
                                lost.incrementAndGet();
                            } else {
                                misrouted.incrementAndGet();
                            }
                        }
                    }
                    return null;
                })
                .thenCompose(ignored -> requests(session, c, r + 1, count, latencies, lost, misrouted));
    }
}
