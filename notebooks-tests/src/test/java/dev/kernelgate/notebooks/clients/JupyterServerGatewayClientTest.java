package dev.kernelgate.notebooks.clients;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.notebooks.GatewayFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code jupyter server} 1.23.3 with {@code --gateway-url} in front of the embedded gateway: the way
 * JupyterLab users reach a kernel gateway. A notebook-style client (python, urllib + websocket-client) talks only
 * to jupyter_server, whose gateway client talks to us (token auth, its whole env in POST, no session_id, legacy
 * WebSocket protocol).
 */
class JupyterServerGatewayClientTest {
    private static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "jupyter_server_client.py");
    private static final String PYTHON = "/usr/bin/python3";
    private static final String JUPYTER_SERVER = "/usr/bin/jupyter-server";
    private static final String GATEWAY_TOKEN = "gateway-secret";
    private static final String SERVER_TOKEN = "server-secret";
    private static final Path PYTHON_LOGO = Path.of("/usr/share/jupyter/kernels/python3/logo-64x64.png");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // kept for the kernel and client logs when a test fails
    Path dir;

    @Test
    @Timeout(120)
    void jupyterServerProxiesAKernelLifeThroughTheGateway() throws Exception {
        assertTrue(Files.isExecutable(Path.of(JUPYTER_SERVER)),
                JUPYTER_SERVER + " is missing: run scripts/install-test-deps (Debian package jupyter-server)");
        try (GatewayFixture gateway = GatewayFixture.start(dir.resolve("gateway"),
                Map.of("KG_AUTH_TOKEN", GATEWAY_TOKEN, "KG_LIST_KERNELS", "True"));
             JupyterServer server = JupyterServer.start(dir.resolve("jupyter-server"), gateway.httpUrl())) {
            ExternalClient client = ExternalClient.run(List.of(PYTHON, SCRIPT.toAbsolutePath().toString()),
                    Map.of("JS_URL", server.url(), "JS_TOKEN", SERVER_TOKEN, "CLIENT_TIMEOUT", "50"),
                    dir, Duration.ofSeconds(60))
                    .assertSucceeded(() -> "\njupyter-server log:\n" + server.log() + "\ngateway kernels log:\n"
                            + readQuietly(dir.resolve("gateway/kernels.log")));

            JsonNode specs = client.step("kernelspecs");
            List<String> names = new ArrayList<>();
            specs.path("names").forEach(n -> names.add(n.asText()));
            assertTrue(names.contains("python3") && names.contains("ir"), "kernelspecs through jupyter_server: "
                    + names);
            assertEquals("Python 3 (ipykernel)", specs.path("python_display_name").asText());
            assertEquals("/kernelspecs/python3/logo-64x64.png",
                    specs.path("python_resources").path("logo-64x64").asText());

            JsonNode logo = client.step("logo");
            assertTrue(logo.path("png").asBoolean(), "logo proxied by jupyter_server is not a PNG: " + logo);
            assertEquals(Files.size(PYTHON_LOGO), logo.path("size").asLong(), "logo size");

            JsonNode start = client.step("start");
            assertEquals(201, start.path("status").asInt());
            assertEquals("python3", start.path("name").asText());
            String kernelId = start.path("kernel_id").asText();
            assertTrue(client.step("list").path("ids").toString().contains(kernelId),
                    "jupyter_server's kernel list (synced from the gateway's) lacks the kernel");

            JsonNode info = client.step("kernel_info");
            assertEquals("ok", info.path("status").asText());
            assertEquals("python", info.path("language").asText());

            JsonNode execute = client.step("execute");
            assertEquals("ok", execute.path("status").asText());
            assertEquals("1", execute.path("kernel_gateway").asText(),
                    "KERNEL_GATEWAY=1 in the kernel proves it was started by the gateway");
            assertFalse(execute.path("token_in_kernel_env").asBoolean(),
                    "jupyter_server POSTs its whole env, JUPYTER_GATEWAY_AUTH_TOKEN included: it must not reach "
                            + "the kernel");

            JsonNode result = client.step("execute_result");
            assertEquals("ok", result.path("status").asText());
            assertEquals("42", result.path("data").path("text/plain").asText());

            JsonNode interrupt = client.step("interrupt");
            assertEquals(204, interrupt.path("http_status").asInt());
            assertEquals("error", interrupt.path("status").asText());
            assertEquals("KeyboardInterrupt", interrupt.path("ename").asText());
            assertEquals("KeyboardInterrupt", interrupt.path("iopub_ename").asText());

            JsonNode restart = client.step("restart");
            assertEquals(200, restart.path("http_status").asInt());
            assertEquals(kernelId, restart.path("kernel_id").asText());
            assertEquals("ok", restart.path("status").asText(), "execute on the same WebSocket after restart");
            assertFalse(restart.path("survivor").asBoolean(), "namespace survived the restart");
            assertTrue(restart.path("pid_changed").asBoolean(), "same kernel process after restart");

            JsonNode delete = client.step("delete");
            assertEquals(204, delete.path("http_status").asInt());
            assertFalse(delete.path("still_listed").asBoolean(), "kernel still listed after DELETE");
            assertTrue(delete.path("frames").path("text").asInt() > 0);
            assertEquals(0, delete.path("frames").path("binary").asInt());

            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.running().kernels().list().isEmpty());
            assertTrue(server.log().contains("Kernels will be managed by the Gateway server running at"),
                    "jupyter_server did not run in gateway mode:\n" + server.log());
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /** Debian's jupyter_server on a free loopback port, its config, data and runtime dirs all private. */
    private static final class JupyterServer implements AutoCloseable {
        private static final HttpClient HTTP = HttpClient.newHttpClient();
        private final Process process;
        private final int port;
        private final Path logFile;

        private JupyterServer(Process process, int port, Path logFile) {
            this.process = process;
            this.port = port;
            this.logFile = logFile;
        }

        static JupyterServer start(Path dir, String gatewayUrl) throws IOException, InterruptedException {
            Map<String, String> env = new HashMap<>();
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            env.put("HOME", Files.createDirectories(dir.resolve("home")).toString());
            env.put("JUPYTER_CONFIG_DIR", Files.createDirectories(dir.resolve("config")).toString());
            env.put("JUPYTER_DATA_DIR", Files.createDirectories(dir.resolve("data")).toString());
            env.put("JUPYTER_RUNTIME_DIR", Files.createDirectories(dir.resolve("runtime")).toString());
            env.put("JUPYTER_GATEWAY_AUTH_TOKEN", GATEWAY_TOKEN);
            env.put("JUPYTER_PLATFORM_DIRS", "1");
            env.put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
            for (String locale : new String[] {"LANG", "LC_ALL", "LC_CTYPE"}) {
                String value = System.getenv(locale);
                if (value != null) {
                    env.put(locale, value);
                }
            }
            Path root = Files.createDirectories(dir.resolve("root"));
            AssertionError last = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                int port = freePort();
                Path log = dir.resolve("jupyter-server-" + attempt + ".log");
                ProcessBuilder builder = new ProcessBuilder(JUPYTER_SERVER, "--ServerApp.token=" + SERVER_TOKEN,
                        "--ServerApp.ip=127.0.0.1", "--ServerApp.port=" + port, "--ServerApp.port_retries=0",
                        "--ServerApp.root_dir=" + root, "--no-browser", "--allow-root",
                        "--gateway-url=" + gatewayUrl)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                builder.environment().clear();
                builder.environment().putAll(env);
                JupyterServer server = new JupyterServer(builder.start(), port, log);
                try {
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                            .until(() -> server.answers() || !server.process.isAlive());
                    if (server.process.isAlive()) {
                        return server;
                    }
                    last = new AssertionError("jupyter-server exited with " + server.process.exitValue() + ":\n"
                            + server.log());
                } catch (RuntimeException e) {
                    last = new AssertionError("jupyter-server did not answer on port " + port + ":\n" + server.log(),
                            e);
                }
                server.close();
            }
            throw last;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        String log() {
            try {
                return Files.readString(logFile);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        private boolean answers() {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/api/status"))
                        .header("Authorization", "token " + SERVER_TOKEN).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // SIGTERM: jupyter_server shuts its (gateway) kernels down and exits
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
