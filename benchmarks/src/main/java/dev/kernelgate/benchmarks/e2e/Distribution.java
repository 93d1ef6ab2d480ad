package dev.kernelgate.benchmarks.e2e;

import java.util.Arrays;
import java.util.List;

/**
 * Latency samples of one measured path, in milliseconds, sorted; and the server's CPU time per request on that
 * path in microseconds, with the part its JIT compiler threads spent (NaN where not measured).
 */
record Distribution(String label, double[] sorted, double serverCpuMicros, double serverJitMicros) {
    static Distribution of(String label, List<Double> millis) {
        double[] values = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Distribution(label, values, Double.NaN, Double.NaN);
    }

    Distribution withServerCpuMicros(double micros) {
        return new Distribution(label, sorted, micros, Double.NaN);
    }

    Distribution withServerCpu(ProcFs.Cpu cpu, int requests) {
        return new Distribution(label, sorted, cpu.nanos() / 1e3 / requests, cpu.jitNanos() / 1e3 / requests);
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
