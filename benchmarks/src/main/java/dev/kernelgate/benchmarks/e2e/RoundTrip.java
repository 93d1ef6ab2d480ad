package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Execute round trip of {@code 1+1}: send → reply and idle, one request at a time. */
final class RoundTrip {
    static final String CODE = "1+1";

    private RoundTrip() {
    }

    /** Warms up, then measures {@code samples} sequential executes on {@code session}. */
    static Distribution measure(String label, KernelSession session, int warmup, int samples) throws Exception {
        for (int i = 0; i < warmup; i++) {
            session.execute(CODE, Duration.ofSeconds(30));
        }
        List<Double> millis = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            Outcome outcome = session.execute(CODE, Duration.ofSeconds(30));
            if (!"ok".equals(outcome.status())) {
                throw new IllegalStateException(label + ": 1+1 answered " + outcome.status());
            }
            millis.add(outcome.millis());
        }
        return Distribution.of(label, millis);
    }

    /** Measures over a server's WebSocket on a fresh kernel of {@code kernel}, then deletes that kernel. */
    static Distribution overWebSocket(Bench bench, ServerProcess server, String kernel, boolean v1, String label)
            throws Exception {
        String id = bench.rest().startKernel(server, kernel);
        try (WsSession session = WsSession.open(bench.group(), server, id, v1)) {
            return measure(label, session, bench.sizes().rttWarmup(), bench.sizes().rttSamples());
        } finally {
            bench.rest().deleteKernel(server, id);
        }
    }
}
