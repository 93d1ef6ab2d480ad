package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxException;
import java.net.URI;
import java.time.Duration;

/**
 * Starts one sandbox container and returns once its execd answers; a sandbox that does not come up (refused image,
 * bootstrap failure, timeout) is removed before the error is thrown, so a failed create leaves no container.
 */
public final class SandboxStarter {
    private final SandboxContainers containers;
    private final ExecdReadiness readiness;
    private final Duration timeout;

    public SandboxStarter(SandboxContainers containers, ExecdReadiness readiness, Duration timeout) {
        this.containers = containers;
        this.readiness = readiness;
        this.timeout = timeout;
    }

    /** A started container and where its execd answers (null with {@code network_mode = "none"}: nowhere). */
    public record Started(String containerId, URI execd) {
    }

    public Started start(ContainerSpec spec) {
        String id = containers.createAndStart(spec);
        if (spec.network() == NetworkMode.NONE) {
            return new Started(id, null);
        }
        try {
            URI execd = execdAddress(id, spec);
            readiness.await(id, execd, timeout);
            return new Started(id, execd);
        } catch (RuntimeException e) {
            containers.remove(id);
            throw e;
        }
    }

    /** Host networking: execd's own port on loopback; bridge: the loopback port the engine published it on. */
    private URI execdAddress(String id, ContainerSpec spec) {
        int port = spec.execdPort();
        if (spec.network() == NetworkMode.BRIDGE) {
            // A sandbox in its egress sidecar's network has its ports published on the sidecar.
            String publisher = spec.networkOf() != null ? spec.networkOf() : id;
            ContainerInfo info = containers.inspect(publisher).orElseThrow(() -> new SandboxException(500,
                    DockerErrors.EXECD_START_FAILED, "container " + publisher + " vanished while starting"));
            port = info.hostPort(spec.execdPort()).orElseThrow(() -> new SandboxException(500,
                    DockerErrors.EXECD_START_FAILED, "the engine published no port for execd of container " + id));
        }
        return URI.create("http://127.0.0.1:" + port);
    }
}
