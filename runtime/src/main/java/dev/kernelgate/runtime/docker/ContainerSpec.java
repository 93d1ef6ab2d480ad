package dev.kernelgate.runtime.docker;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One sandbox container as the engine must create it: the image, the user's entrypoint (run by the bootstrap script
 * after execd is launched), and what the engine enforces around it.
 *
 * @param name        container name (unique on the engine)
 * @param image       image reference; it must already be on the engine or be pullable
 * @param entrypoint  the user's command, run by the bootstrap; empty for an interactive shell
 * @param env         environment of the entrypoint and of execd
 * @param labels      container labels (sandbox id, deadline, user metadata)
 * @param network     network mode
 * @param execdPort   the port execd listens on inside the container (with host networking: on the host)
 * @param cpuMillis   CPU limit in millicores; 0 for none
 * @param memoryBytes memory limit in bytes (swap included); 0 for none
 * @param security    capabilities, no-new-privileges, seccomp, AppArmor, pids limit
 * @param mounts      host paths (already checked against the allowed roots) and named volumes mounted besides
 *                    the distribution
 * @param networkOf   the container whose network namespace this one joins (its egress sidecar, which publishes the
 *                    ports), or null for a network of its own
 */
public record ContainerSpec(String name, String image, List<String> entrypoint, Map<String, String> env,
                            Map<String, String> labels, NetworkMode network, int execdPort, long cpuMillis,
                            long memoryBytes, ContainerSecurity security, List<ContainerMount> mounts,
                            String networkOf) {
    /** A container with a network of its own. */
    public ContainerSpec(String name, String image, List<String> entrypoint, Map<String, String> env,
                         Map<String, String> labels, NetworkMode network, int execdPort, long cpuMillis,
                         long memoryBytes, ContainerSecurity security, List<ContainerMount> mounts) {
        this(name, image, entrypoint, env, labels, network, execdPort, cpuMillis, memoryBytes, security, mounts, null);
    }

    public ContainerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        entrypoint = List.copyOf(entrypoint);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(security, "security");
        mounts = List.copyOf(mounts);
        if (execdPort < 1 || execdPort > 65535) {
            throw new IllegalArgumentException("execd port out of range: " + execdPort);
        }
        if (cpuMillis < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("resource limits cannot be negative");
        }
    }
}
