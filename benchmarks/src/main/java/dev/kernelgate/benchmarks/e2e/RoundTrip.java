package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Round trips: a request sent → its reply and idle (or the end of an execd event stream), one at a time. */
final class RoundTrip {
    static final String CODE = "1+1";

    private RoundTrip() {
    }

    /**
     * Measures several paths in one loop, one request on each in turn, so that whatever else the machine does
     * (JIT warm-up, other load) falls on every path alike. Returns one distribution per path, in order.
     */
    static List<Distribution> interleaved(String code, List<String> labels, List<? extends KernelSession> sessions,
                                          int warmup, int samples) throws Exception {
        List<List<Double>> millis = new ArrayList<>();
        sessions.forEach(s -> millis.add(new ArrayList<>(samples)));
        for (int round = 0; round < warmup + samples; round++) {
            for (int i = 0; i < sessions.size(); i++) {
                Outcome outcome = sessions.get(i).execute(code, Duration.ofSeconds(30));
                if (!"ok".equals(outcome.status())) {
                    throw new IllegalStateException(labels.get(i) + ": " + code + " answered " + outcome.status());
                }
                if (round >= warmup) {
                    millis.get(i).add(outcome.millis());
                }
            }
        }
        List<Distribution> result = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            result.add(Distribution.of(labels.get(i), millis.get(i)));
        }
        return result;
    }
}
