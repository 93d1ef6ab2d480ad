package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a server process while the soak runs: resident set, threads and open descriptors from /proc every
 * {@code procEvery}, the heap after a full collection every {@code heapEvery} (a collection costs the server a
 * pause, so less often). Points are seconds since the soak's start; none are taken after {@code end}.
 */
final class ServerSampler implements AutoCloseable {
    /** A measured figure and how much it may grow over the run (the reasons are in the report). */
    enum Metric {
        RSS("resident set", "MiB", 32),
        HEAP("heap after full GC", "MiB", 8),
        THREADS("threads", "", 8),
        FDS("file descriptors", "", 32);

        final String label;
        final String unit;
        final double tolerance;

        Metric(String label, String unit, double tolerance) {
            this.label = label;
            this.unit = unit;
            this.tolerance = tolerance;
        }
    }

    /** One sample: seconds since the start, and the value (MiB for memory). */
    record Point(double seconds, double value) {
    }

    private static final double MIB = 1024 * 1024;

    private final long pid;
    private final HeapAfterGc heap;
    private final long startNanos;
    private final double endSeconds;
    private final Map<Metric, List<Point>> series = new EnumMap<>(Metric.class);
    private final List<String> errors = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-sampler");
        t.setDaemon(true);
        return t;
    });

    private ServerSampler(long pid, HeapAfterGc heap, long startNanos, Duration end) {
        this.pid = pid;
        this.heap = heap;
        this.startNanos = startNanos;
        this.endSeconds = end.toNanos() / 1e9;
        for (Metric m : Metric.values()) {
            series.put(m, new ArrayList<>());
        }
    }

    static ServerSampler start(long pid, HeapAfterGc heap, long startNanos, Duration end, Duration procEvery,
                               Duration heapEvery) {
        ServerSampler sampler = new ServerSampler(pid, heap, startNanos, end);
        sampler.scheduler.scheduleAtFixedRate(sampler::sampleProc, 0, procEvery.toMillis(), TimeUnit.MILLISECONDS);
        sampler.scheduler.scheduleAtFixedRate(sampler::sampleHeap, 0, heapEvery.toMillis(), TimeUnit.MILLISECONDS);
        return sampler;
    }

    private void sampleProc() {
        double t = now();
        if (t > endSeconds) {
            return;
        }
        try {
            add(Metric.RSS, t, ProcFs.rssBytes(pid) / MIB);
            add(Metric.THREADS, t, ProcFs.threads(pid));
            add(Metric.FDS, t, ProcFs.fds(pid));
        } catch (IOException | RuntimeException e) {
            error("/proc/" + pid + ": " + e);
        }
    }

    private void sampleHeap() {
        double t = now();
        if (t > endSeconds) {
            return;
        }
        try {
            long bytes = heap.bytes(pid);
            add(Metric.HEAP, t, bytes / MIB);
        } catch (IOException | RuntimeException e) {
            error("heap after GC: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double now() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private synchronized void add(Metric metric, double t, double value) {
        series.get(metric).add(new Point(t, value));
    }

    private synchronized void error(String what) {
        if (errors.size() < 10) {
            errors.add(what);
        }
    }

    synchronized Map<Metric, List<Point>> series() {
        Map<Metric, List<Point>> copy = new EnumMap<>(Metric.class);
        series.forEach((m, points) -> copy.put(m, List.copyOf(points)));
        return copy;
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(70, TimeUnit.SECONDS);
    }
}
