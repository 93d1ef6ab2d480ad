package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.InternalEndpoint;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Where a client reaches a port of a sandbox, as upstream answers it ({@code host:port[/path]}, no scheme):
 * <ul>
 *   <li>host networking: execd's port (44772) is the sandbox's own execd port; any other port is the same port on
 *       the host, where the sandbox's process listens;</li>
 *   <li>bridge: the loopback port the engine published execd on, and {@code /proxy/<port>} for every port, 44772
 *       included, which execd forwards inside the container; except the sandbox's HTTP port 8080, which is published
 *       itself and reached directly (through execd's proxy too for a container created before it was published).</li>
 * </ul>
 * The server's own proxy goes to the same host port and path on 127.0.0.1, where the engine publishes (and host
 * networking binds) them.
 */
final class Endpoints {
    private static final String LOOPBACK = "127.0.0.1";

    private Endpoints() {
    }

    static SandboxEndpoint of(ContainerInfo info, int port, String host) {
        InternalEndpoint route = internal(info, port);
        return new SandboxEndpoint(host + ":" + route.port() + route.pathPrefix(), Map.of());
    }

    static InternalEndpoint internal(ContainerInfo info, int port) {
        NetworkMode network = SandboxLabels.network(info);
        return switch (network) {
            case HOST -> InternalEndpoint.direct(LOOPBACK,
                    port == SandboxContainers.EXECD_CONTAINER_PORT ? SandboxLabels.execdPort(info) : port);
            case BRIDGE -> {
                OptionalInt direct = port == SandboxContainers.HTTP_CONTAINER_PORT ? info.hostPort(port)
                        : OptionalInt.empty();
                if (direct.isPresent()) {
                    yield InternalEndpoint.direct(LOOPBACK, direct.getAsInt());
                }
                int execd = info.hostPort(SandboxLabels.execdPort(info)).orElseThrow(() -> new SandboxException(
                        503, DockerErrors.EXECD_START_FAILED, "execd of container " + info.id()
                        + " is not published (is the container running?)"));
                yield new InternalEndpoint(LOOPBACK, execd, "/proxy/" + port, Map.of());
            }
            case NONE -> throw new SandboxException(409, DockerErrors.SANDBOX_NOT_REACHABLE,
                    "sandbox containers run with network_mode = \"none\" and cannot be reached");
        };
    }
}
