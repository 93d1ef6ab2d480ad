package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.ExecdSettings;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** execd's terminals ({@code /pty}) driven by Debian's python3-websocket ({@code pty_client.py}). */
class PtyPythonClientTest {
    private static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "pty_client.py");
    private static final String TOKEN = "pty-python-token";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // kept for the client's stderr when a test fails
    Path dir;

    @Test
    @Timeout(120)
    void aPythonWebSocketClientDrivesATerminal() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EXECD_ACCESS_TOKEN", TOKEN);
        ExecdConfig config = ExecdSettings.parse(env, List.of("--port=0", "--host=127.0.0.1"));
        KernelManagerConfig kernels = KernelManagerConfig.defaults(env)
                .withRuntimeDir(Files.createDirectories(dir.resolve("runtime")));
        try (ExecdServer.Running execd = new ExecdServer(config, env, kernels).start()) {
            ExternalClient client = ExternalClient.run(List.of("/usr/bin/python3", SCRIPT.toAbsolutePath().toString()),
                    Map.of("EXECD_URL", "http://127.0.0.1:" + execd.port(), "EXECD_TOKEN", TOKEN), dir,
                    Duration.ofSeconds(90)).assertSucceeded();

            assertEquals(201, client.step("create").path("status").asInt());
            assertEquals("pty", client.step("connected").path("frame").path("mode").asText());
            assertTrue(client.step("tty").path("tty").asText().matches("/dev/pts/\\d+"));
            assertEquals("40 120", client.step("resize").path("size").asText());
            JsonNode interrupt = client.step("interrupt");
            assertFalse(interrupt.path("slept").asBoolean(true), interrupt.toString());
            assertTrue(interrupt.path("seconds").asDouble() < 60, interrupt.toString());
            assertEquals("pong", client.step("ping").path("pong").path("type").asText());
            assertEquals(409, client.step("second_client").path("status").asInt());

            JsonNode exit = client.step("exit");
            assertEquals(5, exit.path("frames").path(0).path("exit_code").asInt(), exit.toString());
            assertEquals("[1000,\"process exited\"]", exit.path("close").toString());
            JsonNode status = client.step("status");
            assertFalse(status.path("body").path("running").asBoolean(true), status.toString());
            assertTrue(status.path("body").path("output_offset").asLong()
                    > status.path("offset_before_exit").asLong(), status.toString());
            assertTrue(client.step("replay").path("output").asText().contains("exit 5"),
                    client.step("replay").toString());
            JsonNode delete = client.step("delete");
            assertEquals(200, delete.path("status").asInt());
            assertEquals(404, delete.path("after").asInt());
        }
    }
}
