package dev.kernelgate.benchmarks.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * How much a server figure grew over a soak: the median of the samples in the last window against the median of
 * those in the first window after the warm-up (medians, so a sample taken in the middle of a burst does not decide),
 * and the least-squares slope over the second half of the measured part, per minute. A leak shows as growth beyond
 * the tolerance; shrinking is fine.
 */
record Drift(ServerSampler.Metric metric, double first, double last, double slopePerMinute, int samples) {
    double growth() {
        return last - first;
    }

    boolean within() {
        return !Double.isNaN(growth()) && growth() <= metric.tolerance;
    }

    /** Measured part: {@code [from, end]}; windows of {@code window} seconds at either end of it. */
    static Drift of(ServerSampler.Metric metric, List<ServerSampler.Point> points, double from, double end,
                    double window) {
        double first = median(points, from, from + window);
        double last = median(points, end - window, end + 1e-9);
        double half = (from + end) / 2;
        List<ServerSampler.Point> second = points.stream().filter(p -> p.seconds() >= half && p.seconds() <= end)
                .toList();
        int samples = (int) points.stream().filter(p -> p.seconds() >= from && p.seconds() <= end).count();
        return new Drift(metric, first, last, slope(second) * 60, samples);
    }

    private static double median(List<ServerSampler.Point> points, double from, double to) {
        List<Double> values = new ArrayList<>();
        for (ServerSampler.Point p : points) {
            if (p.seconds() >= from && p.seconds() < to) {
                values.add(p.value());
            }
        }
        if (values.isEmpty()) {
            return Double.NaN;
        }
        values.sort(null);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    /** Least-squares slope per second; NaN with fewer than two points. */
    private static double slope(List<ServerSampler.Point> points) {
        int n = points.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mt = points.stream().mapToDouble(ServerSampler.Point::seconds).average().orElse(0);
        double mv = points.stream().mapToDouble(ServerSampler.Point::value).average().orElse(0);
        double num = 0;
        double den = 0;
        for (ServerSampler.Point p : points) {
            num += (p.seconds() - mt) * (p.value() - mv);
            den += (p.seconds() - mt) * (p.seconds() - mt);
        }
        return den == 0 ? Double.NaN : num / den;
    }
}
