package dev.kernelgate.execd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits and usage from cgroup v2, cgroup v1 and plain host fixtures; CPU use from sample deltas. */
class CgroupReaderTest {

    @TempDir
    Path root;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private MetricsService service() {
        return new MetricsService(new CgroupReader(root), nanos::get, System::currentTimeMillis, 8);
    }

    @Test
    void cgroupV2LimitsOnAnAncestorAreReported() {
        CgroupFixtures.v2(root);
        CgroupReader.Snapshot s = new CgroupReader(root).read();
        assertTrue(s.cpuLimited());
        assertTrue(s.memoryLimited());
        assertEquals(1.5, s.cpuQuota(), 1e-9);
        assertEquals(5_000_000, s.cgroupCpuUsageMicros());
        try (MetricsService service = service()) {
            Metrics m = service.current();
            assertEquals(1.5, m.cpuCount());
            assertEquals(512.0, m.memTotalMib());
            assertEquals(100.0, m.memUsedMib());
            // 0.75 CPU-seconds in one second against a 1.5 CPU quota: 50 %.
            CgroupFixtures.v2CpuUsage(root, 5_750_000);
            nanos.addAndGet(1_000_000_000L);
            assertEquals(50.0, service.current().cpuUsedPct());
            // A call right after reuses the figure rather than measuring a tiny window.
            CgroupFixtures.v2CpuUsage(root, 5_760_000);
            nanos.addAndGet(1_000_000L);
            assertEquals(50.0, service.current().cpuUsedPct());
        }
    }

    @Test
    void cgroupV2WithoutMountinfoFallsBackToSysFsCgroup() {
        CgroupFixtures.host(root);
        CgroupFixtures.write(root, "/sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
        CgroupFixtures.write(root, "/sys/fs/cgroup/memory.max", "1073741824\n");
        CgroupFixtures.write(root, "/sys/fs/cgroup/memory.current", "1048576\n");
        CgroupFixtures.write(root, "/sys/fs/cgroup/cpu.max", "200000 100000\n");
        try (MetricsService service = service()) {
            Metrics m = service.current();
            assertEquals(1024.0, m.memTotalMib());
            assertEquals(1.0, m.memUsedMib());
            assertEquals(2.0, m.cpuCount());
        }
    }

    @Test
    void cgroupV1LimitsAreReported() {
        CgroupFixtures.v1(root);
        CgroupReader.Snapshot s = new CgroupReader(root).read();
        assertEquals(0.5, s.cpuQuota(), 1e-9);
        assertEquals(2_000_000, s.cgroupCpuUsageMicros());
        try (MetricsService service = service()) {
            Metrics m = service.current();
            assertEquals(0.5, m.cpuCount());
            assertEquals(256.0, m.memTotalMib());
            assertEquals(50.0, m.memUsedMib());
            CgroupFixtures.write(root, "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpuacct.usage", "2100000000\n");
            nanos.addAndGet(1_000_000_000L);
            assertEquals(20.0, service.current().cpuUsedPct()); // 0.1 s of 0.5 CPU-s
        }
    }

    @Test
    void withoutLimitsTheHostIsReported() {
        CgroupFixtures.host(root);
        CgroupReader.Snapshot s = new CgroupReader(root).read();
        assertFalse(s.cpuLimited());
        assertFalse(s.memoryLimited());
        try (MetricsService service = service()) {
            Metrics m = service.current();
            assertEquals(8.0, m.cpuCount());
            assertEquals(16000.0, m.memTotalMib());
            assertEquals(4000.0, m.memUsedMib());
            assertEquals(20.0, m.cpuUsedPct()); // since boot before the first window
            CgroupFixtures.hostCpu(root, 200 + 150, 1000 + 200);
            nanos.addAndGet(1_000_000_000L);
            assertEquals(75.0, service.current().cpuUsedPct());
        }
    }

    @Test
    void aMemoryLimitAboveTheHostIsNoLimit() {
        CgroupFixtures.v1(root);
        CgroupFixtures.write(root, "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "99999999999999\n");
        try (MetricsService service = service()) {
            assertEquals(16000.0, service.current().memTotalMib());
        }
    }

    @Test
    void thisMachineReadsSomething() {
        CgroupReader.Snapshot s = CgroupReader.system().read();
        assertTrue(s.hostMemTotalBytes() > 0);
        assertTrue(s.hostCpuTotalTicks() > 0);
        try (MetricsService service = new MetricsService()) {
            Metrics m = service.current();
            assertTrue(m.cpuCount() > 0);
            assertTrue(m.memTotalMib() > 0);
            assertTrue(m.memUsedMib() > 0 && m.memUsedMib() <= m.memTotalMib());
        }
    }
}
