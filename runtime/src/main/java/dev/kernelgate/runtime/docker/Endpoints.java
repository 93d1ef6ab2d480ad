package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import java.util.Map;

/**
 * Where a client reaches a port of a sandbox, as upstream answers it ({@code host:port[/path]}, no scheme):
 * <ul>
 *   <li>host networking: execd's port (44772) is the sandbox's own execd port; any other port is the same port on
 *       the host, where the sandbox's process listens;</li>
 *   <li>bridge: the loopback port execd is published on, and {@code /proxy/<port>} for every port, 44772 included,
 *       which execd forwards inside the container.</li>
 * </ul>
 */
final class Endpoints {
    private Endpoints() {
    }

    static SandboxEndpoint of(ContainerInfo info, int port, String host) {
        NetworkMode network = SandboxLabels.network(info);
        return switch (network) {
            case HOST -> new SandboxEndpoint(host + ":"
                    + (port == SandboxContainers.EXECD_CONTAINER_PORT ? SandboxLabels.execdPort(info) : port), Map.of());
            case BRIDGE -> {
                int published = info.hostPort(SandboxLabels.execdPort(info)).orElseThrow(() -> new SandboxException(
                        503, DockerErrors.EXECD_START_FAILED, "execd of container " + info.id()
                        + " is not published (is the container running?)"));
                yield new SandboxEndpoint(host + ":" + published + "/proxy/" + port, Map.of());
            }
            case NONE -> throw new SandboxException(409, DockerErrors.SANDBOX_NOT_REACHABLE,
                    "sandbox containers run with network_mode = \"none\" and cannot be reached");
        };
    }
}
