package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.runtime.LifecycleServer;
import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenSandbox JavaScript SDK, {@code @alibaba-group/opensandbox} 0.1.11 in node, with {@code useServerProxy: true}
 * against the lifecycle server (local runtime): the endpoint it gets is the server's proxy form, and create's
 * readiness check, a streamed command and a file round trip all go through {@code /sandboxes/{id}/proxy/44772}.
 * Over plain HTTP, and over HTTPS, where the server speaks TLS to the sandbox's execd as well.
 */
class OpenSandboxSdkServerProxyTest {
    static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "opensandbox-server-proxy-client.js");
    private static final String KEY = "sdk-proxy-key";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "https"})
    @Timeout(180)
    void theSdkWorksThroughTheServerProxy(String protocol) throws Exception {
        Path nodeModules = JupyterLabServicesClientTest.NODE_MODULES;
        assertTrue(Files.exists(nodeModules.resolve("@alibaba-group/opensandbox/package.json")),
                "@alibaba-group/opensandbox is not installed: run scripts/install-test-deps");
        ServerConfig d = ServerConfig.defaults();
        boolean tls = protocol.equals("https");
        ServerConfig config = d.withServer(d.server().withListen("127.0.0.1", 0).withApiKey(KEY)
                        .withTls(null, null, tls))
                .withLocal(LocalSettings.defaults().withStateDir(dir.resolve("state")));
        try (LifecycleServer.Running server = new LifecycleServer(config, System.getenv()).start()) {
            Map<String, String> env = new HashMap<>(Map.of("LIFECYCLE_DOMAIN", "127.0.0.1:" + server.port(),
                    "LIFECYCLE_PROTOCOL", protocol, "LIFECYCLE_API_KEY", KEY,
                    "NODE_PATH", nodeModules.toAbsolutePath().toString()));
            if (tls) {
                env.put("NODE_EXTRA_CA_CERTS", Files.writeString(dir.resolve("ca.pem"), server.certificatePem())
                        .toString());
            }
            ExternalClient client = ExternalClient.run(List.of("node", SCRIPT.toAbsolutePath().toString()), env, dir,
                    Duration.ofSeconds(150)).assertSucceeded();

            String id = client.step("create").path("id").asText();
            assertEquals("127.0.0.1:" + server.port() + "/sandboxes/" + id + "/proxy/44772",
                    client.step("endpoint").path("endpoint").asText());
            assertEquals("[\"via 42\"]", client.step("command").path("streamed").toString());
            JsonNode files = client.step("files");
            assertEquals(256 * 1024 + 5, files.path("length").asInt());
            assertTrue(files.path("same").asBoolean());
            assertTrue(server.service().ids().isEmpty(), "the killed sandbox is gone");
        }
    }
}
