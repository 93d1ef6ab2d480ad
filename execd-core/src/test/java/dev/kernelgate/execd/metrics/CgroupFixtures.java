package dev.kernelgate.execd.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fake filesystem roots for {@link CgroupReader}: cgroup v2, cgroup v1, or a host without limits. */
final class CgroupFixtures {

    private CgroupFixtures() {
    }

    static void write(Path root, String absolute, String content) {
        try {
            Path file = root.resolve(absolute.substring(1));
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 16000 MiB host, 4000 MiB used; cpu line busy 200 / total 1000. */
    static void host(Path root) {
        write(root, "/proc/meminfo", "MemTotal:       16384000 kB\nMemFree:         8192000 kB\n"
                + "MemAvailable:   12000000 kB\nBuffers:          100000 kB\nCached:          3000000 kB\n"
                + "SReclaimable:     996000 kB\n");
        hostCpu(root, 200, 1000);
    }

    /** The aggregate cpu line with {@code busy} of {@code total} jiffies (user = busy, idle = the rest). */
    static void hostCpu(Path root, long busy, long total) {
        write(root, "/proc/stat", "cpu  " + busy + " 0 0 " + (total - busy) + " 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\n"
                + "intr 1\n");
    }

    /**
     * cgroup v2 at /sys/fs/cgroup, the process in /kubepods/pod1/ctr: 1.5 CPUs and 512 MiB set on the pod (an
     * ancestor), 200 MiB current of which 100 MiB inactive page cache.
     */
    static void v2(Path root) {
        host(root);
        write(root, "/proc/self/mountinfo", "25 1 253:1 / / rw,relatime - ext4 /dev/vda rw\n"
                + "30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n");
        write(root, "/proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
        write(root, "/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
        write(root, "/sys/fs/cgroup/kubepods/pod1/cpu.max", "150000 100000\n");
        write(root, "/sys/fs/cgroup/kubepods/pod1/memory.max", "536870912\n");
        write(root, "/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "max 100000\n");
        write(root, "/sys/fs/cgroup/kubepods/pod1/ctr/memory.max", "max\n");
        write(root, "/sys/fs/cgroup/kubepods/pod1/ctr/memory.current", "209715200\n");
        write(root, "/sys/fs/cgroup/kubepods/pod1/ctr/memory.stat", "anon 104857600\nfile 104857600\n"
                + "inactive_file 104857600\nactive_file 0\n");
        v2CpuUsage(root, 5_000_000);
    }

    static void v2CpuUsage(Path root, long micros) {
        write(root, "/sys/fs/cgroup/kubepods/pod1/ctr/cpu.stat", "usage_usec " + micros + "\nuser_usec 1\n"
                + "system_usec 1\n");
    }

    /** cgroup v1 (cpu,cpuacct and memory hierarchies), process in /docker/abc: 0.5 CPU, 256 MiB, 50 MiB used. */
    static void v1(Path root) {
        host(root);
        write(root, "/proc/self/mountinfo", "25 1 253:1 / / rw,relatime - ext4 /dev/vda rw\n"
                + "31 25 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
                + "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
                + "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
                + "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
        write(root, "/proc/self/cgroup", "4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n0::/\n");
        write(root, "/sys/fs/cgroup/unified/cgroup.procs", "1\n");
        write(root, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        write(root, "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "268435456\n");
        write(root, "/sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes", "104857600\n");
        write(root, "/sys/fs/cgroup/memory/docker/abc/memory.stat", "cache 1\ntotal_inactive_file 52428800\n");
        write(root, "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        write(root, "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "50000\n");
        write(root, "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
        write(root, "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpuacct.usage", "2000000000\n");
    }
}
