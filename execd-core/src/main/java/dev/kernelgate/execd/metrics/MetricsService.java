package dev.kernelgate.execd.metrics;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures behind {@code /metrics}: limits and usage from a {@link CgroupReader}, CPU use as the delta
 * between the previous sample and now, so no call waits a sampling second. {@link #start()} adds a background
 * sample every second, which keeps that window at most a second long and drives {@code /metrics/watch}.
 * Thread-safe.
 */
public final class MetricsService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsService.class);

    /** Calls closer together than this reuse the previous CPU figure instead of measuring a tiny window. */
    private static final long MIN_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final double MIB = 1024.0 * 1024.0;

    private final CgroupReader reader;
    private final LongSupplier nanoClock;
    private final LongSupplier wallClock;
    private final int availableProcessors;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> sampling;
    // Guarded by this.
    private CgroupReader.Snapshot windowStart;
    private long windowStartNanos;
    private double lastPct;

    /** The production service: this machine's cgroup and {@code /proc}. */
    public MetricsService() {
        this(CgroupReader.system());
    }

    public MetricsService(CgroupReader reader) {
        this(reader, System::nanoTime, System::currentTimeMillis, Runtime.getRuntime().availableProcessors());
    }

    MetricsService(CgroupReader reader, LongSupplier nanoClock, LongSupplier wallClock, int availableProcessors) {
        this.reader = reader;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
        this.availableProcessors = availableProcessors;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "execd-metrics");
            t.setDaemon(true);
            return t;
        });
        synchronized (this) {
            windowStart = reader.read();
            windowStartNanos = nanoClock.getAsLong();
            lastPct = sinceBootPct(windowStart);
        }
    }

    /** Starts the one-second background sample. Idempotent. */
    public synchronized MetricsService start() {
        if (sampling == null) {
            sampling = scheduler.scheduleAtFixedRate(() -> {
                try {
                    current();
                } catch (RuntimeException e) {
                    log.debug("Metrics sample failed", e); // keep sampling: a failed run would end the schedule
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
        return this;
    }

    /** Where periodic work of the metrics routes runs (a single daemon thread owned by this service). */
    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The current figures (a few small file reads, no waiting). */
    public Metrics current() {
        return view().metrics();
    }

    /** The figures, unrounded, with the snapshot they came from (for the Prometheus exposition). */
    record View(Metrics metrics, CgroupReader.Snapshot snapshot, double cpus, double cpuPct, long memTotalBytes,
                long memUsedBytes) {
    }

    View view() {
        CgroupReader.Snapshot now = reader.read();
        long t = nanoClock.getAsLong();
        double cpus = cpuCount(now);
        double pct;
        synchronized (this) {
            long window = t - windowStartNanos;
            if (window >= MIN_WINDOW_NANOS) {
                lastPct = pct(windowStart, now, window, cpus);
                windowStart = now;
                windowStartNanos = t;
            }
            pct = lastPct;
        }
        boolean memLimited = now.memoryLimited();
        long total = Math.max(0, memLimited ? now.memoryLimitBytes() : now.hostMemTotalBytes());
        long used = Math.max(0, memLimited ? now.cgroupMemoryUsedBytes() : now.hostMemUsedBytes());
        Metrics m = new Metrics(round(cpus), round(pct), round(total / MIB), round(used / MIB),
                wallClock.getAsLong());
        return new View(m, now, cpus, pct, total, used);
    }

    private double cpuCount(CgroupReader.Snapshot s) {
        return s.cpuLimited() ? Math.min(s.cpuQuota(), availableProcessors) : availableProcessors;
    }

    private static double pct(CgroupReader.Snapshot from, CgroupReader.Snapshot to, long windowNanos, double cpus) {
        if (to.cpuLimited() && from.cgroupCpuUsageMicros() >= 0 && to.cgroupCpuUsageMicros() >= 0) {
            double usedMicros = to.cgroupCpuUsageMicros() - from.cgroupCpuUsageMicros();
            double availableMicros = windowNanos / 1000.0 * cpus;
            return clamp(availableMicros <= 0 ? 0 : usedMicros / availableMicros * 100);
        }
        long busy = to.hostCpuBusyTicks() - from.hostCpuBusyTicks();
        long total = to.hostCpuTotalTicks() - from.hostCpuTotalTicks();
        if (from.hostCpuTotalTicks() < 0 || to.hostCpuTotalTicks() < 0 || total <= 0) {
            return 0;
        }
        return clamp(100.0 * busy / total);
    }

    /** Before any window: the host's average since boot (there is no cgroup equivalent; 0 then). */
    private static double sinceBootPct(CgroupReader.Snapshot s) {
        if (s.cpuLimited() || s.hostCpuTotalTicks() <= 0) {
            return 0;
        }
        return clamp(100.0 * s.hostCpuBusyTicks() / s.hostCpuTotalTicks());
    }

    private static double clamp(double pct) {
        return Double.isNaN(pct) ? 0 : Math.max(0, Math.min(100, pct));
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
