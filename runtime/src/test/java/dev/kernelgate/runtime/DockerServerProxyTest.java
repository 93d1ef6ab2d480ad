package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kernelgate.runtime.config.DockerSettings;
import dev.kernelgate.runtime.config.RuntimeSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server proxy over the docker runtime on the real engine, with host and bridge networking: execd in the
 * container runs a command through {@code /sandboxes/{id}/proxy/44772}, the endpoint handed out in proxy form; a
 * port nothing listens on answers 502; a deleted sandbox 404.
 */
class DockerServerProxyTest {
    private static final String IMAGE = System.getenv().getOrDefault("KERNELGATE_TEST_IMAGE",
            "kernelgate-test/bookworm:minbase");

    @TempDir
    Path state;
    private LifecycleServer.Running server;

    @BeforeEach
    void engine() {
        String dockerHost = System.getenv("DOCKER_HOST");
        assumeTrue(dockerHost != null && !dockerHost.isBlank(), "DOCKER_HOST is not set (scripts/test sets it)");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"host", "bridge"})
    void execdIsReachedThroughTheServer(String network) {
        ServerConfig config = TestServers.config(state).withRuntime(new RuntimeSettings("docker", null, null));
        DockerSettings d = config.docker();
        config = config.withDocker(new DockerSettings(network, d.apiTimeout(), d.hostIp(), d.dropCapabilities(),
                d.noNewPrivileges(), d.apparmorProfile(), d.seccompProfile(), d.pidsLimit(), d.allowedHostPaths(),
                d.host(), d.execdLogDir()));
        server = new LifecycleServer(config, System.getenv(), RuntimeProviders.builtIn(), Clock.systemUTC(),
                Duration.ofMillis(100)).start();
        ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        ApiClient.Reply created = api.post("/v1/sandboxes", "{\"image\":{\"uri\":\"" + IMAGE + "\"},"
                + "\"entrypoint\":[\"sleep\",\"infinity\"],\"resourceLimits\":{\"cpu\":\"1\",\"memory\":\"512Mi\"},"
                + "\"env\":{\"GREETING\":\"hello through the server\"}}");
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();

        String endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/44772?use_server_proxy=true").body()
                .path("endpoint").asText();
        assertEquals("127.0.0.1:" + server.port() + "/sandboxes/" + id + "/proxy/44772", endpoint);
        ApiClient execd = new ApiClient("http://" + endpoint, TestServers.API_KEY);
        assertEquals(200, execd.get("/ping").status());
        ApiClient.Reply run = execd.post("/command", "{\"command\":\"echo $GREETING\"}");
        assertEquals(200, run.status(), run.raw().body());
        assertTrue(run.raw().body().contains("\"text\":\"hello through the server\""), run.raw().body());

        // Nothing listens on 9 in the container: the server (host networking) or the sandbox's execd (bridge,
        // reached through its own /proxy/9) answers 502.
        ApiClient.Reply closed = api.get("/sandboxes/" + id + "/proxy/9/");
        assertEquals(502, closed.status(), closed.raw().body());

        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        assertEquals(404, api.get("/sandboxes/" + id + "/proxy/44772/ping").status());
    }
}
