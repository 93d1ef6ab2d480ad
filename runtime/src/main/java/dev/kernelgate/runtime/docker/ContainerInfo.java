package dev.kernelgate.runtime.docker;

import java.util.Map;
import java.util.OptionalInt;

/**
 * What the engine says about one container.
 *
 * @param id          the engine's container id
 * @param image       the image reference it was created from
 * @param status      the engine's status word: created, running, paused, restarting, removing, exited, dead
 * @param exitCode    the exit code once exited, else 0
 * @param error       the engine's error text (e.g. the entrypoint could not be executed), or empty
 * @param labels      its labels
 * @param hostPorts   container port to the 127.0.0.1 port it is published on (bridge networking)
 */
public record ContainerInfo(String id, String image, String status, long exitCode, String error, Map<String, String> labels,
                            Map<Integer, Integer> hostPorts) {
    public ContainerInfo {
        labels = Map.copyOf(labels);
        hostPorts = Map.copyOf(hostPorts);
        error = error == null ? "" : error;
    }

    public boolean running() {
        return status.equals("running");
    }

    public boolean paused() {
        return status.equals("paused");
    }

    /** Gone for good: exited or dead (a running, paused, restarting or just created container is not). */
    public boolean stopped() {
        return status.equals("exited") || status.equals("dead");
    }

    /** The same container with the ports another one publishes for it (the sidecar whose network it joined). */
    public ContainerInfo withHostPorts(Map<Integer, Integer> ports) {
        return new ContainerInfo(id, image, status, exitCode, error, labels, ports);
    }

    public OptionalInt hostPort(int containerPort) {
        Integer port = hostPorts.get(containerPort);
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }
}
