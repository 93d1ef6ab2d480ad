package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Kernel start as a client sees it: POST /api/kernels → WebSocket open → kernel_info_reply. */
final class KernelStart {
    /** The log line Kernelgate writes each time a prespawned kernel joins the pool. */
    static final String POOL_READY = "prespawned kernel";

    private KernelStart() {
    }

    /**
     * One start, as a client that keeps its HTTP connection does: the POST on a raw keep-alive socket (the JDK's
     * HttpClient adds milliseconds of its own hand-offs), then the WebSocket and its kernel_info.
     */
    static double once(Bench bench, ServerProcess server, String kernel) throws Exception {
        URI base = URI.create(server.httpBase());
        try (RawHttpClient http = new RawHttpClient(base.getHost(), base.getPort(), server.token())) {
            long start = System.nanoTime();
            RawHttpClient.Response created = http.postJson("/api/kernels", "{\"name\":\"" + kernel + "\"}");
            if (created.status() != 201) {
                throw new IOException(server.name() + ": POST /api/kernels answered " + created.status() + " "
                        + created.body());
            }
            String id = Json.MAPPER.readTree(created.body()).path("id").asText();
            try (WsSession session = WsSession.open(bench.group(), server, id, false)) {
                return (System.nanoTime() - start) / 1e6;
            } finally {
                http.delete("/api/kernels/" + id);
            }
        }
    }

    static Distribution cold(Bench bench, ServerProcess server, String kernel, String label) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < bench.sizes().startSamples(); i++) {
            millis.add(once(bench, server, kernel));
        }
        return Distribution.of(label, millis);
    }

    /**
     * Each sample waits until the pool has refilled after the previous one took its kernel. The server first serves
     * some traffic on a pooled kernel of its own (connections opened and closed, executes), as a gateway in use has:
     * the figure is a warm server's, not that of the first requests a JVM ever runs.
     */
    static Distribution prespawned(Bench bench, ServerProcess pooled, String kernel, String label) throws Exception {
        pooled.awaitLogLines(POOL_READY, 1, Duration.ofMinutes(2));
        warmUp(bench, pooled, kernel);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < bench.sizes().startSamples(); i++) {
            pooled.awaitLogLines(POOL_READY, i + 2, Duration.ofMinutes(2));
            millis.add(once(bench, pooled, kernel));
        }
        return Distribution.of(label, millis);
    }

    private static void warmUp(Bench bench, ServerProcess server, String kernel) throws Exception {
        String id = bench.rest().startKernel(server, kernel);
        try {
            for (int i = 0; i < bench.sizes().startWarmupConnections(); i++) {
                try (WsSession session = WsSession.open(bench.group(), server, id, i % 2 == 0)) {
                    if (i == 0) {
                        for (int n = 0; n < bench.sizes().rttWarmup(); n++) {
                            session.execute(RoundTrip.CODE, Duration.ofSeconds(60));
                        }
                    }
                }
            }
        } finally {
            bench.rest().deleteKernel(server, id);
        }
    }
}
