package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.notebooks.GatewayFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * JupyterLab's own kernel client, {@code @jupyterlab/services} 7.6.6 in node with {@code ws}, against the embedded
 * gateway and a real ipykernel: the whole life of a kernel the way JupyterLab drives it, over the v1 subprotocol.
 */
class JupyterLabServicesClientTest {
    static final Path NODE_MODULES = Path.of("js", "node_modules");
    static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "jupyterlab-services-client.js");
    private static final String TOKEN = "labtoken";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // kept for the kernel and client logs when a test fails
    Path dir;

    @Test
    @Timeout(90)
    void jupyterLabDrivesAKernelThroughTheV1Subprotocol() throws Exception {
        assertTrue(Files.exists(NODE_MODULES.resolve("@jupyterlab/services/package.json")),
                "@jupyterlab/services is not installed: run scripts/install-test-deps "
                        + "(npm ci --prefix notebooks-tests/js)");
        try (GatewayFixture gateway = GatewayFixture.start(dir,
                Map.of("KG_AUTH_TOKEN", TOKEN, "KG_LIST_KERNELS", "True"))) {
            ExternalClient client = ExternalClient.run(List.of("node", SCRIPT.toAbsolutePath().toString()),
                    Map.of("KG_URL", gateway.httpUrl(), "KG_TOKEN", TOKEN,
                            "NODE_PATH", NODE_MODULES.toAbsolutePath().toString()),
                    dir, Duration.ofSeconds(60)).assertSucceeded();

            JsonNode start = client.step("start");
            assertEquals("python", start.path("language").asText());
            assertTrue(start.path("protocol_version").asText().startsWith("5."), start.toString());
            String kernelId = start.path("kernel_id").asText();

            JsonNode stream = client.step("stream");
            assertEquals("ok", stream.path("status").asText());
            assertEquals("stdout", stream.path("name").asText());
            assertEquals("hello from node\n", stream.path("text").asText());

            JsonNode result = client.step("execute_result");
            assertEquals("ok", result.path("status").asText());
            assertEquals("42", result.path("data").path("text/plain").asText());

            JsonNode error = client.step("error");
            assertEquals("error", error.path("status").asText());
            assertEquals("ZeroDivisionError", error.path("ename").asText());
            assertEquals("ZeroDivisionError", error.path("iopub_ename").asText());
            assertTrue(error.path("traceback_lines").asInt() > 0, error.toString());

            JsonNode interrupt = client.step("interrupt");
            assertEquals("error", interrupt.path("status").asText());
            assertEquals("KeyboardInterrupt", interrupt.path("ename").asText());
            assertEquals("KeyboardInterrupt", interrupt.path("iopub_ename").asText());

            JsonNode afterInterrupt = client.step("after_interrupt");
            assertEquals("ok", afterInterrupt.path("status").asText());
            assertEquals("43", afterInterrupt.path("data").asText(), "state kept across the interrupt");

            JsonNode restart = client.step("restart");
            assertEquals(kernelId, restart.path("kernel_id").asText());
            assertEquals("ok", restart.path("status").asText());
            assertEquals("False\n", restart.path("text").asText(), "a fresh namespace after restart");

            JsonNode shutdown = client.step("shutdown");
            assertEquals("dead", shutdown.path("status").asText());
            assertFalse(shutdown.path("still_listed").asBoolean(), "kernel still listed after shutdown");

            // Every WebSocket the library opened (the first, and the reconnect after restart) offered the v1
            // subprotocol, had it selected, and received binary v1 frames only, all under one client session.
            List<JsonNode> sockets = new ArrayList<>();
            client.step("sockets").path("sockets").forEach(sockets::add);
            assertTrue(sockets.size() >= 2, "expected a reconnect after restart: " + sockets);
            Set<String> sessions = new HashSet<>();
            for (JsonNode socket : sockets) {
                assertEquals("[\"v1.kernel.websocket.jupyter.org\"]", socket.path("offered").toString());
                assertEquals("v1.kernel.websocket.jupyter.org", socket.path("selected").asText(), socket.toString());
                assertEquals(0, socket.path("text").asInt(), "text frames on v1: " + socket);
                assertTrue(socket.path("binary").asInt() > 0, socket.toString());
                String url = socket.path("url").asText();
                assertTrue(url.contains("/api/kernels/" + kernelId + "/channels?session_id="), url);
                assertTrue(url.contains("token="), url);
                sessions.add(url.replaceAll(".*session_id=([^&]*).*", "$1"));
            }
            assertEquals(1, sessions.size(), "one client session across reconnects: " + sessions);

            assertTrue(gateway.running().kernels().list().isEmpty(), "kernels left on the gateway");
        }
    }
}
