package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.runtime.LifecycleServer;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try (LifecycleServer.Running server = OpenSandboxSdkLifecycleTest.localServer(dir, KEY, protocol)) {
            ExternalClient client = OpenSandboxSdkLifecycleTest.runScript(SCRIPT, server, protocol, KEY, dir);

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
