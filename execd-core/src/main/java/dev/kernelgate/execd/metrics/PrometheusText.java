package dev.kernelgate.execd.metrics;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus text exposition (format 0.0.4) of the {@code /metrics} figures plus process and JVM metrics
 * under the names the Prometheus Java client uses ({@code process_*}, {@code jvm_*}). Names follow the
 * conventions {@code promtool check metrics} lints for: base units, {@code _total} only on counters, no
 * {@code _count} suffix outside summaries.
 */
public final class PrometheusText {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);

    private PrometheusText() {
    }

    /** The whole exposition for {@code view}. */
    static String render(MetricsService.View view, Path procSelf) {
        PrometheusText t = new PrometheusText();
        t.execd(view);
        t.process(procSelf);
        t.jvm();
        return t.out.toString();
    }

    private void execd(MetricsService.View view) {
        CgroupReader.Snapshot s = view.snapshot();
        gauge("execd_cpus", "CPUs available to the sandbox: the cgroup CPU quota when one is set, else the CPUs "
                + "the server may use (cpu_count of /metrics).", view.cpus());
        gauge("execd_cpu_used_ratio", "CPU in use over the last sample window (at most about a second), as a "
                + "fraction of execd_cpus (cpu_used_pct of /metrics divided by 100).", view.cpuPct() / 100.0);
        gauge("execd_memory_total_bytes", "Memory available to the sandbox: the cgroup memory limit when one is "
                + "set, else the host's memory (mem_total_mib of /metrics).", view.memTotalBytes());
        gauge("execd_memory_used_bytes", "Memory in use: the cgroup's usage without inactive page cache when a "
                + "limit is set, else the host's used memory (mem_used_mib of /metrics).", view.memUsedBytes());
        gauge("execd_cgroup_cpu_limited", "1 when a cgroup CPU quota applies to the figures above, else 0.",
                s.cpuLimited() ? 1 : 0);
        gauge("execd_cgroup_memory_limited", "1 when a cgroup memory limit applies to the figures above, else 0.",
                s.memoryLimited() ? 1 : 0);
        if (s.cpuLimited() && s.cgroupCpuUsageMicros() >= 0) {
            counter("execd_cgroup_cpu_usage_seconds_total", "CPU time used by the sandbox's cgroup.",
                    s.cgroupCpuUsageMicros() / 1e6);
        }
    }

    private void process(Path procSelf) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                    sun.getProcessCpuTime() / 1e9);
        }
        gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                runtime.getStartTime() / 1000.0);
        gauge("process_uptime_seconds", "Time since the process started, in seconds.", runtime.getUptime() / 1000.0);
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            gauge("process_open_fds", "Number of open file descriptors.", unix.getOpenFileDescriptorCount());
            gauge("process_max_fds", "Maximum number of open file descriptors.", unix.getMaxFileDescriptorCount());
        }
        long[] mem = statusMemory(procSelf.resolve("status"));
        if (mem[0] >= 0) {
            gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", mem[0]);
        }
        if (mem[1] >= 0) {
            gauge("process_resident_memory_bytes", "Resident memory size in bytes.", mem[1]);
        }
    }

    private void jvm() {
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        family("jvm_info", "gauge", "VM version info.");
        sample("jvm_info", labels("runtime", runtime.getVmName(), "vendor", runtime.getVmVendor(),
                "version", System.getProperty("java.runtime.version", runtime.getVmVersion())), 1);

        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        family("jvm_memory_used_bytes", "gauge", "Used bytes of a given JVM memory area.");
        sample("jvm_memory_used_bytes", labels("area", "heap"), heap.getUsed());
        sample("jvm_memory_used_bytes", labels("area", "nonheap"), nonHeap.getUsed());
        family("jvm_memory_committed_bytes", "gauge", "Committed (bytes) of a given JVM memory area.");
        sample("jvm_memory_committed_bytes", labels("area", "heap"), heap.getCommitted());
        sample("jvm_memory_committed_bytes", labels("area", "nonheap"), nonHeap.getCommitted());
        family("jvm_memory_max_bytes", "gauge", "Max (bytes) of a given JVM memory area (-1 when undefined).");
        sample("jvm_memory_max_bytes", labels("area", "heap"), heap.getMax());
        sample("jvm_memory_max_bytes", labels("area", "nonheap"), nonHeap.getMax());

        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        family("jvm_memory_pool_used_bytes", "gauge", "Used bytes of a given JVM memory pool.");
        for (MemoryPoolMXBean pool : pools) {
            sample("jvm_memory_pool_used_bytes", labels("pool", pool.getName()), pool.getUsage().getUsed());
        }
        family("jvm_memory_pool_max_bytes", "gauge", "Max bytes of a given JVM memory pool (-1 when undefined).");
        for (MemoryPoolMXBean pool : pools) {
            sample("jvm_memory_pool_max_bytes", labels("pool", pool.getName()), pool.getUsage().getMax());
        }
        family("jvm_memory_pool_peak_used_bytes", "gauge", "Peak used bytes of a given JVM memory pool.");
        for (MemoryPoolMXBean pool : pools) {
            MemoryUsage peak = pool.getPeakUsage();
            sample("jvm_memory_pool_peak_used_bytes", labels("pool", pool.getName()), peak == null ? 0 : peak.getUsed());
        }

        List<BufferPoolMXBean> buffers = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        family("jvm_buffer_pool_used_bytes", "gauge", "Used bytes of a given JVM buffer pool (direct, mapped).");
        for (BufferPoolMXBean b : buffers) {
            sample("jvm_buffer_pool_used_bytes", labels("pool", b.getName()), b.getMemoryUsed());
        }
        family("jvm_buffer_pool_capacity_bytes", "gauge", "Bytes capacity of a given JVM buffer pool.");
        for (BufferPoolMXBean b : buffers) {
            sample("jvm_buffer_pool_capacity_bytes", labels("pool", b.getName()), b.getTotalCapacity());
        }
        family("jvm_buffer_pool_used_buffers", "gauge", "Used buffers of a given JVM buffer pool.");
        for (BufferPoolMXBean b : buffers) {
            sample("jvm_buffer_pool_used_buffers", labels("pool", b.getName()), b.getCount());
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        gauge("jvm_threads_current", "Current thread count of a JVM.", threads.getThreadCount());
        gauge("jvm_threads_daemon", "Daemon thread count of a JVM.", threads.getDaemonThreadCount());
        gauge("jvm_threads_peak", "Peak thread count of a JVM.", threads.getPeakThreadCount());
        counter("jvm_threads_started_total", "Started thread count of a JVM.", threads.getTotalStartedThreadCount());

        family("jvm_gc_collection_seconds", "summary", "Time spent in a given JVM garbage collector in seconds.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String l = labels("gc", gc.getName());
            sample("jvm_gc_collection_seconds_count", l, Math.max(0, gc.getCollectionCount()));
            sample("jvm_gc_collection_seconds_sum", l, Math.max(0, gc.getCollectionTime()) / 1000.0);
        }
        gauge("jvm_classes_currently_loaded", "The number of classes that are currently loaded in the JVM.",
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }

    /** {VmSize, VmRSS} in bytes from {@code /proc/self/status}, -1 when unavailable. */
    private static long[] statusMemory(Path status) {
        long[] out = {-1, -1};
        List<String> lines;
        try {
            lines = Files.readAllLines(status, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return out;
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && (f[0].equals("VmSize:") || f[0].equals("VmRSS:"))) {
                try {
                    out[f[0].equals("VmSize:") ? 0 : 1] = Long.parseLong(f[1]) * 1024;
                } catch (NumberFormatException e) {
                    // leave -1
                }
            }
        }
        return out;
    }

    private void gauge(String name, String help, double value) {
        family(name, "gauge", help);
        sample(name, "", value);
    }

    private void counter(String name, String help, double value) {
        family(name, "counter", help);
        sample(name, "", value);
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labels, double value) {
        out.append(name).append(labels).append(' ').append(number(value)).append('\n');
    }

    private static String labels(String... pairs) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            parts.add(pairs[i] + "=\"" + escapeLabel(pairs[i + 1] == null ? "" : pairs[i + 1]) + "\"");
        }
        return "{" + String.join(",", parts) + "}";
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(15)).stripTrailingZeros()
                .toPlainString();
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
