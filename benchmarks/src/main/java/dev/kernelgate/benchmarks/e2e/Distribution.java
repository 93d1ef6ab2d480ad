package dev.kernelgate.benchmarks.e2e;

import java.util.Arrays;
import java.util.List;

/**
 * Latency samples of one measured path, in milliseconds, sorted; and the server's CPU time per request on that
 * path in microseconds (NaN where not measured).
 */
record Distribution(String label, double[] sorted, double serverCpuMicros) {
    static Distribution of(String label, List<Double> millis) {
        double[] values = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Distribution(label, values, Double.NaN);
    }

    Distribution withServerCpuMicros(double micros) {
        return new Distribution(label, sorted, micros);
    }

    int count() {
        return sorted.length;
    }

    /** Nearest-rank percentile, {@code p} in [0, 100]. */
    double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double median() {
        return percentile(50);
    }

    double mean() {
        return Arrays.stream(sorted).average().orElse(Double.NaN);
    }
}
