package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.runtime.LifecycleServer;
import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenSandbox JavaScript SDK, {@code @alibaba-group/opensandbox} 0.1.11 in node, against the lifecycle server with
 * the local runtime (embedded, so its child execd JVMs run from the Maven test class path): create and wait until
 * ready, {@code commands.run('echo hi')} streaming {@code hi}, files, metrics, renew, kill; afterwards no process of
 * that sandbox is left. Over plain HTTP, and over HTTPS with a generated certificate node is told to trust.
 */
class OpenSandboxSdkLifecycleTest {
    static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "opensandbox-lifecycle-client.js");
    private static final String KEY = "sdk-lifecycle-key";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // kept for the sandboxes' logs when a test fails
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "https"})
    @Timeout(180)
    void theSdkCreatesUsesAndKillsALocalSandbox(String protocol) throws Exception {
        Path nodeModules = JupyterLabServicesClientTest.NODE_MODULES;
        assertTrue(Files.exists(nodeModules.resolve("@alibaba-group/opensandbox/package.json")),
                "@alibaba-group/opensandbox is not installed: run scripts/install-test-deps");
        try (LifecycleServer.Running server = localServer(dir, KEY, protocol)) {
            ExternalClient client = runScript(SCRIPT, server, protocol, KEY, dir);

            assertEquals("Running", client.step("info").path("state").asText());
            assertEquals("notebooks-tests", client.step("info").path("metadata").path("suite").asText());
            JsonNode echo = client.step("echo");
            assertEquals("[\"hi\"]", echo.path("streamed").toString());
            assertEquals("[\"hi\"]", echo.path("logs").toString());
            JsonNode probe = client.step("probe");
            assertEquals("hi from env", probe.path("greeting").asText());
            String marker = probe.path("marker").asText();
            assertTrue(marker.startsWith(dir.resolve("state").resolve("local").toAbsolutePath() + "#"), marker);
            assertEquals("written through the SDK\n", client.step("files").path("content").asText());
            assertTrue(client.step("metrics").path("cpuCount").asInt() > 0);
            long extended = client.step("renew").path("extended_s").asLong();
            assertTrue(extended > 1500 && extended < 1900, "renew(1800) moved the deadline by " + extended + " s");
            String endpoint = client.step("endpoint").path("endpoint").asText();
            assertTrue(endpoint.matches("127\\.0\\.0\\.1:\\d+/proxy/44772"), endpoint);
            assertEquals(404, client.step("gone").path("status").asInt());

            // Nothing of the sandbox is left: no process carries its marker (the detached sleep included), its
            // execd port is closed, and its directory is gone.
            assertEquals(List.of(), processesWithMarker(marker));
            int port = Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1, endpoint.indexOf('/')));
            assertFalse(listening(port), "execd still listens on " + port);
            assertFalse(Files.exists(Path.of(probe.path("cwd").asText())));
        }
    }

    /** A lifecycle server on loopback with the local runtime under {@code dir}; HTTPS with a generated certificate. */
    static LifecycleServer.Running localServer(Path dir, String key, String protocol) {
        ServerConfig d = ServerConfig.defaults();
        ServerConfig config = d.withServer(d.server().withListen("127.0.0.1", 0).withApiKey(key)
                        .withTls(null, null, protocol.equals("https")))
                .withLocal(LocalSettings.defaults().withStateDir(dir.resolve("state")));
        return new LifecycleServer(config, System.getenv()).start();
    }

    /**
     * Runs an SDK script in node against {@code server} with the environment the scripts read (LIFECYCLE_DOMAIN,
     * LIFECYCLE_PROTOCOL, LIFECYCLE_API_KEY; the server's certificate trusted over https) and checks it succeeded.
     */
    static ExternalClient runScript(Path script, LifecycleServer.Running server, String protocol, String key, Path dir)
            throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("LIFECYCLE_DOMAIN", "127.0.0.1:" + server.port(),
                "LIFECYCLE_PROTOCOL", protocol, "LIFECYCLE_API_KEY", key,
                "NODE_PATH", JupyterLabServicesClientTest.NODE_MODULES.toAbsolutePath().toString()));
        if (protocol.equals("https")) {
            env.put("NODE_EXTRA_CA_CERTS", Files.writeString(dir.resolve("ca.pem"), server.certificatePem())
                    .toString());
        }
        return ExternalClient.run(List.of("node", script.toAbsolutePath().toString()), env, dir,
                Duration.ofSeconds(150)).assertSucceeded();
    }

    private static List<Long> processesWithMarker(String marker) throws IOException {
        byte[] wanted = ("KERNELGATE_SANDBOX=" + marker + "\0").getBytes(StandardCharsets.UTF_8);
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                try {
                    byte[] environ = Files.readAllBytes(p.resolve("environ"));
                    if (indexOf(environ, wanted) >= 0) {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean listening(int port) {
        try (Socket connected = new Socket("127.0.0.1", port)) {
            return connected.isConnected();
        } catch (IOException e) {
            return false;
        }
    }
}
