package dev.kernelgate.runtime.spi;

import java.util.Map;

/**
 * Parsed {@code resourceLimits}. Zero means "not requested".
 *
 * @param cpuMillis   CPU in millicores ({@code "500m"} = 500, {@code "2"} = 2000)
 * @param memoryBytes memory in bytes ({@code "512Mi"}, {@code "2Gi"}, {@code "1G"})
 * @param gpu         GPU count
 * @param raw         the request's strings as sent, for runtimes that pass them through (Kubernetes)
 */
public record ResourceLimits(long cpuMillis, long memoryBytes, int gpu, Map<String, String> raw) {
    public ResourceLimits {
        raw = Map.copyOf(raw);
    }

    public static ResourceLimits none() {
        return new ResourceLimits(0, 0, 0, Map.of());
    }
}
