package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Kernel start as a client sees it: POST /api/kernels → WebSocket open → kernel_info_reply. */
final class KernelStart {
    /** The log line Kernelgate writes each time a prespawned kernel joins the pool. */
    static final String POOL_READY = "prespawned kernel";

    private KernelStart() {
    }

    static double once(Bench bench, ServerProcess server, String kernel) throws Exception {
        long start = System.nanoTime();
        String id = bench.rest().startKernel(server, kernel);
        try (WsSession session = WsSession.open(bench.group(), server, id, false)) {
            return (System.nanoTime() - start) / 1e6;
        } finally {
            bench.rest().deleteKernel(server, id);
        }
    }

    static Distribution cold(Bench bench, ServerProcess server, String kernel, String label) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < bench.sizes().startSamples(); i++) {
            millis.add(once(bench, server, kernel));
        }
        return Distribution.of(label, millis);
    }

    /** Each sample waits until the pool has refilled after the previous one took its kernel. */
    static Distribution prespawned(Bench bench, ServerProcess pooled, String kernel, String label) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < bench.sizes().startSamples(); i++) {
            pooled.awaitLogLines(POOL_READY, i + 1, Duration.ofMinutes(2));
            millis.add(once(bench, pooled, kernel));
        }
        return Distribution.of(label, millis);
    }
}
