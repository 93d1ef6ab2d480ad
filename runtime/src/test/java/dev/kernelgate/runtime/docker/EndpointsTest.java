package dev.kernelgate.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kernelgate.runtime.spi.InternalEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's endpoint forms per network mode, from what the engine says about a container (no engine needed). */
class EndpointsTest {
    private static ContainerInfo container(NetworkMode network, int execdPort, Map<Integer, Integer> published) {
        return new ContainerInfo("c1", "image", "running", 0, "", Map.of(SandboxLabels.NETWORK_MODE,
                network.engineName(), SandboxLabels.EXECD_PORT, Integer.toString(execdPort)), published);
    }

    private static String endpoint(ContainerInfo info, int port) {
        return Endpoints.of(info, port, "127.0.0.1").endpoint();
    }

    @Test
    void bridgeReachesEveryPortThroughExecdsProxyButThePublishedHttpPort() {
        ContainerInfo info = container(NetworkMode.BRIDGE, 44772, Map.of(44772, 49153, 8080, 49154));
        assertEquals("127.0.0.1:49153/proxy/44772", endpoint(info, 44772));
        assertEquals("127.0.0.1:49153/proxy/9000", endpoint(info, 9000));
        assertEquals("127.0.0.1:49154", endpoint(info, 8080));
        assertEquals("sandboxes.example.com:49153/proxy/3000",
                Endpoints.of(info, 3000, "sandboxes.example.com").endpoint());
    }

    @Test
    void bridgeContainerWithoutAPublishedHttpPortReachesItThroughTheProxy() {
        ContainerInfo info = container(NetworkMode.BRIDGE, 44772, Map.of(44772, 49153));
        assertEquals("127.0.0.1:49153/proxy/8080", endpoint(info, 8080));
    }

    @Test
    void bridgeContainerWithoutPublishedExecdIsUnavailable() {
        SandboxException e = assertThrows(SandboxException.class,
                () -> endpoint(container(NetworkMode.BRIDGE, 44772, Map.of()), 9000));
        assertEquals(503, e.status());
        assertEquals(DockerErrors.EXECD_START_FAILED, e.code());
    }

    @Test
    void hostNetworkingReachesExecdOnItsOwnPortAndOtherPortsDirectly() {
        ContainerInfo info = container(NetworkMode.HOST, 41234, Map.of());
        assertEquals("127.0.0.1:41234", endpoint(info, 44772));
        assertEquals("127.0.0.1:8080", endpoint(info, 8080));
    }

    @Test
    void theServerProxyGoesToTheSameHostPortAndPathOnLoopbackWhateverHostIsAdvertised() {
        ContainerInfo bridge = container(NetworkMode.BRIDGE, 44772, Map.of(44772, 49153, 8080, 49154));
        assertEquals(new InternalEndpoint("127.0.0.1", 49153, "/proxy/9000", Map.of()),
                Endpoints.internal(bridge, 9000));
        assertEquals(InternalEndpoint.direct("127.0.0.1", 49154), Endpoints.internal(bridge, 8080));
        ContainerInfo host = container(NetworkMode.HOST, 41234, Map.of());
        assertEquals(InternalEndpoint.direct("127.0.0.1", 41234), Endpoints.internal(host, 44772));
        assertEquals(InternalEndpoint.direct("127.0.0.1", 3000), Endpoints.internal(host, 3000));
    }

    @Test
    void noNetworkIsNotReachable() {
        SandboxException e = assertThrows(SandboxException.class,
                () -> endpoint(container(NetworkMode.NONE, 44772, Map.of()), 44772));
        assertEquals(409, e.status());
        assertEquals(DockerErrors.SANDBOX_NOT_REACHABLE, e.code());
    }
}
