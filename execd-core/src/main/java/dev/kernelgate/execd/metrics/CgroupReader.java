package dev.kernelgate.execd.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the resource figures of the cgroup this process lives in (v2: {@code cpu.max}, {@code cpu.stat},
 * {@code memory.max}, {@code memory.current}, {@code memory.stat}; v1: {@code cpu.cfs_quota_us} /
 * {@code cpu.cfs_period_us}, {@code cpuacct.usage}, {@code memory.limit_in_bytes}, {@code memory.usage_in_bytes},
 * {@code memory.stat}) and of the host ({@code /proc/meminfo}, {@code /proc/stat}). The cgroup directories are
 * found through {@code /proc/self/mountinfo} and {@code /proc/self/cgroup} (falling back to
 * {@code /sys/fs/cgroup}); the tightest limit on the way up to the mount root wins (a container's limit may sit
 * on an ancestor). Everything is read under a root directory so tests can point the reader at fixture files.
 * Thread-safe; every call reads afresh (a few small pseudo-files).
 */
public final class CgroupReader {

    /** What one read found; -1 (or NaN for the quota) where a figure is unavailable. */
    public record Snapshot(
            double cpuQuota,
            long cgroupCpuUsageMicros,
            long memoryLimitBytes,
            long cgroupMemoryUsedBytes,
            long hostMemTotalBytes,
            long hostMemUsedBytes,
            long hostCpuBusyTicks,
            long hostCpuTotalTicks) {

        /** A CPU quota is set: cpu figures are the cgroup's. */
        public boolean cpuLimited() {
            return !Double.isNaN(cpuQuota) && cpuQuota > 0;
        }

        /** A memory limit below the host's memory is set: memory figures are the cgroup's. */
        public boolean memoryLimited() {
            return memoryLimitBytes > 0 && (hostMemTotalBytes <= 0 || memoryLimitBytes < hostMemTotalBytes);
        }
    }

    private record Mount(Path mountPoint, String root, String fsType, List<String> options) {
    }

    private final Path root;

    /** @param root the filesystem root, {@code Path.of("/")} in production */
    public CgroupReader(Path root) {
        this.root = root;
    }

    /** The production reader. */
    public static CgroupReader system() {
        return new CgroupReader(Path.of("/"));
    }

    public Snapshot read() {
        Map<String, String> procCgroup = procSelfCgroup();
        List<Mount> mounts = mounts();
        List<Path> v2 = v2Chain(mounts, procCgroup);
        List<Path> v1Memory = v1Chain(mounts, procCgroup, "memory");
        List<Path> v1Cpu = v1Chain(mounts, procCgroup, "cpu");
        List<Path> v1CpuAcct = v1Chain(mounts, procCgroup, "cpuacct");

        long[] host = hostMemory();
        long[] cpu = hostCpu();

        // CPU: the tightest quota on the way up, and the usage of the same hierarchy.
        double v2Quota = Double.NaN;
        for (Path dir : v2) {
            double q = v2Quota(dir.resolve("cpu.max"));
            if (q > 0 && (Double.isNaN(v2Quota) || q < v2Quota)) {
                v2Quota = q;
            }
        }
        long v2Usage = v2.isEmpty() ? -1 : keyed(v2.get(0).resolve("cpu.stat"), "usage_usec");
        double v1Quota = Double.NaN;
        for (Path dir : v1Cpu) {
            long q = number(dir.resolve("cpu.cfs_quota_us"));
            long p = number(dir.resolve("cpu.cfs_period_us"));
            if (q > 0 && p > 0 && (Double.isNaN(v1Quota) || (double) q / p < v1Quota)) {
                v1Quota = (double) q / p;
            }
        }
        long v1Usage = -1;
        for (List<Path> chain : List.of(v1CpuAcct, v1Cpu)) {
            if (v1Usage < 0 && !chain.isEmpty()) {
                long nanos = number(chain.get(0).resolve("cpuacct.usage"));
                v1Usage = nanos < 0 ? -1 : nanos / 1000;
            }
        }
        double quota;
        long usage;
        if (!Double.isNaN(v2Quota)) {
            quota = v2Quota;
            usage = v2Usage;
        } else if (!Double.isNaN(v1Quota)) {
            quota = v1Quota;
            usage = v1Usage;
        } else {
            quota = Double.NaN;
            usage = v2Usage >= 0 ? v2Usage : v1Usage;
        }

        // Memory: the tightest limit on the way up, and the usage of the same hierarchy.
        long v2Limit = -1;
        for (Path dir : v2) {
            long l = number(dir.resolve("memory.max"));
            if (l > 0 && (v2Limit < 0 || l < v2Limit)) {
                v2Limit = l;
            }
        }
        long v2Used = v2.isEmpty() || !Files.exists(v2.get(0).resolve("memory.current")) ? -1
                : usedWithoutInactiveFile(number(v2.get(0).resolve("memory.current")),
                        v2.get(0).resolve("memory.stat"), "inactive_file");
        long v1Limit = -1;
        for (Path dir : v1Memory) {
            long l = number(dir.resolve("memory.limit_in_bytes"));
            if (l > 0 && l < (1L << 62) && (v1Limit < 0 || l < v1Limit)) {
                v1Limit = l;
            }
        }
        long v1Used = v1Memory.isEmpty() ? -1 : usedWithoutInactiveFile(
                number(v1Memory.get(0).resolve("memory.usage_in_bytes")),
                v1Memory.get(0).resolve("memory.stat"), "total_inactive_file");
        long limit;
        long used;
        if (v2Limit > 0) {
            limit = v2Limit;
            used = v2Used;
        } else if (v1Limit > 0) {
            limit = v1Limit;
            used = v1Used;
        } else {
            limit = -1;
            used = v2Used >= 0 ? v2Used : v1Used;
        }
        return new Snapshot(quota, usage, limit, used, host[0], host[1], cpu[0], cpu[1]);
    }

    private static long usedWithoutInactiveFile(long usage, Path stat, String key) {
        if (usage < 0) {
            return -1;
        }
        long inactive = keyed(stat, key);
        if (inactive < 0 && key.startsWith("total_")) {
            inactive = keyed(stat, key.substring(6));
        }
        return inactive > 0 && inactive < usage ? usage - inactive : usage;
    }

    // ---- locating the cgroup ----

    private Path under(String absolute) {
        String rel = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        return rel.isEmpty() ? root : root.resolve(rel);
    }

    /** {@code /proc/self/cgroup}: controller list ("" for v2) → path. */
    private Map<String, String> procSelfCgroup() {
        Map<String, String> out = new HashMap<>();
        for (String line : lines(under("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3) {
                out.put(f[1], f[2]);
                for (String controller : f[1].split(",")) {
                    out.putIfAbsent(controller, f[2]);
                }
            }
        }
        return out;
    }

    private List<Mount> mounts() {
        List<Mount> out = new ArrayList<>();
        for (String line : lines(under("/proc/self/mountinfo"))) {
            int sep = line.indexOf(" - ");
            if (sep < 0) {
                continue;
            }
            String[] left = line.substring(0, sep).split(" ");
            String[] right = line.substring(sep + 3).split(" ");
            if (left.length < 5 || right.length < 1) {
                continue;
            }
            String fsType = right[0];
            if (!fsType.equals("cgroup") && !fsType.equals("cgroup2")) {
                continue;
            }
            List<String> options = new ArrayList<>(left.length > 5 ? List.of(left[5].split(",")) : List.of());
            if (right.length >= 3) {
                options.addAll(List.of(right[2].split(",")));
            }
            out.add(new Mount(under(unescape(left[4])), unescape(left[3]), fsType, options));
        }
        return out;
    }

    private static String unescape(String mountinfoField) {
        return mountinfoField.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
                .replace("\\134", "\\");
    }

    /** The v2 cgroup directory of this process and its ancestors up to the mount point. */
    private List<Path> v2Chain(List<Mount> mounts, Map<String, String> procCgroup) {
        String path = procCgroup.get("");
        for (Mount m : mounts) {
            if (m.fsType().equals("cgroup2")) {
                List<Path> chain = chain(m.mountPoint(), m.root(), path);
                if (!chain.isEmpty()) {
                    return chain;
                }
            }
        }
        if (mounts.isEmpty()) {
            Path base = under("/sys/fs/cgroup");
            if (Files.exists(base.resolve("cgroup.controllers"))) {
                return chain(base, "/", path);
            }
        }
        return List.of();
    }

    private List<Path> v1Chain(List<Mount> mounts, Map<String, String> procCgroup, String controller) {
        String path = procCgroup.get(controller);
        for (Mount m : mounts) {
            if (m.fsType().equals("cgroup") && m.options().contains(controller)) {
                return chain(m.mountPoint(), m.root(), path);
            }
        }
        if (mounts.isEmpty()) {
            Path base = under("/sys/fs/cgroup");
            if (Files.exists(base.resolve("cgroup.controllers"))) {
                return List.of();
            }
            for (String name : new String[] {controller, "cpu,cpuacct", "cpuacct,cpu"}) {
                Path dir = base.resolve(name);
                if (Files.isDirectory(dir) && (name.equals(controller) || controller.startsWith("cpu"))) {
                    return chain(dir, "/", path);
                }
            }
        }
        return List.of();
    }

    /** {@code mountPoint + (cgroupPath relative to mountRoot)} and its parents up to the mount point. */
    private static List<Path> chain(Path mountPoint, String mountRoot, String cgroupPath) {
        Path leaf = mountPoint;
        if (cgroupPath != null && !cgroupPath.isEmpty() && !cgroupPath.equals("/")) {
            String rel = cgroupPath;
            if (mountRoot != null && !mountRoot.equals("/") && rel.startsWith(mountRoot)) {
                rel = rel.substring(mountRoot.length());
            }
            rel = rel.startsWith("/") ? rel.substring(1) : rel;
            Path candidate = rel.isEmpty() ? mountPoint : mountPoint.resolve(rel).normalize();
            if (candidate.startsWith(mountPoint) && Files.isDirectory(candidate)) {
                leaf = candidate;
            }
        }
        if (!Files.isDirectory(leaf)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        for (Path p = leaf; p != null && p.startsWith(mountPoint); p = p.getParent()) {
            out.add(p);
            if (p.equals(mountPoint)) {
                break;
            }
        }
        return out;
    }

    // ---- host ----

    /** {total, used} bytes as gopsutil computes them: used = total - free - buffers - cached - sreclaimable. */
    private long[] hostMemory() {
        Map<String, Long> kb = new HashMap<>();
        for (String line : lines(under("/proc/meminfo"))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] v = line.substring(colon + 1).trim().split("\\s+");
            try {
                kb.put(line.substring(0, colon), Long.parseLong(v[0]));
            } catch (NumberFormatException e) {
                // skip
            }
        }
        long total = kb.getOrDefault("MemTotal", -1L);
        if (total < 0) {
            return new long[] {-1, -1};
        }
        long used = total - kb.getOrDefault("MemFree", 0L) - kb.getOrDefault("Buffers", 0L)
                - kb.getOrDefault("Cached", 0L) - kb.getOrDefault("SReclaimable", 0L);
        if (used < 0) {
            used = total - kb.getOrDefault("MemFree", 0L);
        }
        return new long[] {total * 1024, used * 1024};
    }

    /** {busy, total} jiffies of the aggregate {@code cpu} line of {@code /proc/stat}. */
    private long[] hostCpu() {
        for (String line : lines(under("/proc/stat"))) {
            if (!line.startsWith("cpu ")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v;
                try {
                    v = Long.parseLong(f[i]);
                } catch (NumberFormatException e) {
                    return new long[] {-1, -1};
                }
                total += v;
                if (i == 4 || i == 5) {
                    idle += v; // idle, iowait
                }
            }
            return new long[] {total - idle, total};
        }
        return new long[] {-1, -1};
    }

    // ---- files ----

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The file's first token as a number; "max" and anything unreadable are -1. */
    private static long number(Path file) {
        List<String> l = lines(file);
        if (l.isEmpty()) {
            return -1;
        }
        String first = l.get(0).trim().split("\\s+")[0];
        try {
            return Long.parseLong(first);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code cpu.max}: {@code "quota period"} → CPUs, NaN for "max" or no file. */
    private static double v2Quota(Path file) {
        List<String> l = lines(file);
        if (l.isEmpty()) {
            return Double.NaN;
        }
        String[] f = l.get(0).trim().split("\\s+");
        try {
            long quota = Long.parseLong(f[0]);
            long period = f.length > 1 ? Long.parseLong(f[1]) : 100_000;
            return quota > 0 && period > 0 ? (double) quota / period : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** {@code key value} lines ({@code cpu.stat}, {@code memory.stat}). */
    private static long keyed(Path file, String key) {
        for (String line : lines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(key)) {
                try {
                    return Long.parseLong(f[1]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
