package dev.kernelgate.execd.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Upstream's metrics body. {@code cpu_count} is the cgroup CPU quota when one is set (it may be fractional,
 * e.g. 0.5), else the CPUs this JVM may use; {@code cpu_used_pct} is CPU use since the previous sample (at most
 * about a second ago) relative to {@code cpu_count}, 0-100; memory is the cgroup limit and usage (without
 * inactive page cache) when a limit is set, else the host's; {@code timestamp} is epoch milliseconds.
 */
public record Metrics(
        @JsonProperty("cpu_count") double cpuCount,
        @JsonProperty("cpu_used_pct") double cpuUsedPct,
        @JsonProperty("mem_total_mib") double memTotalMib,
        @JsonProperty("mem_used_mib") double memUsedMib,
        @JsonProperty("timestamp") long timestamp) {
}
