package dev.kernelgate.notebooks.javakernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.cli.Main;
import dev.kernelgate.wire.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled Java kernel installed with {@code kernelspecs install java --prefix} and run by Debian's jupyter_server
 * 1.23.3 from that prefix ({@code JUPYTER_PATH}).
 */
class JavaKernelInJupyterServerTest {
    private static final Path JUPYTER_SERVER = Path.of("/usr/bin/jupyter-server");
    private static final String TOKEN = "kernelgate-java-test";

    @TempDir
    Path dir;

    @Test
    void jupyterServerStartsTheJavaKernelAndExecutesOverItsWebSocket() throws Exception {
        assumeTrue(Files.isExecutable(JUPYTER_SERVER), "Debian's jupyter-server is installed by scripts/test");
        Process version = new ProcessBuilder(JUPYTER_SERVER.toString(), "--version").redirectErrorStream(true).start();
        assertEquals("1.23.3", new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        // Installed the way the README says: ./kernelgate kernelspecs install java --prefix DIR
        StringWriter installed = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(installed));
        assertEquals(0, cli.execute("kernelspecs", "install", "java", "--prefix", dir.toString()), installed::toString);
        Path data = dir.resolve("share/jupyter");
        assertTrue(Files.isRegularFile(data.resolve("kernels/java/kernel.json")), installed.toString());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(JUPYTER_SERVER.toString(), "--ServerApp.token=" + TOKEN,
                "--ServerApp.ip=127.0.0.1", "--ServerApp.port=" + port, "--ServerApp.port_retries=0",
                "--no-browser", "--allow-root", "--ServerApp.root_dir=" + dir)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("jupyter-server.log").toFile());
        builder.environment().put("JUPYTER_PATH", data.toString());
        builder.environment().put("JUPYTER_CONFIG_DIR", dir.resolve("config").toString());
        builder.environment().put("JUPYTER_DATA_DIR", dir.resolve("data").toString());
        builder.environment().put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
        Process server = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/kernelspecs?token=" + TOKEN)).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("\"java\""));
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/kernels"))
                    .header("Authorization", "token " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"java\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String kernel = Json.MAPPER.readTree(created.body()).get("id").asText();

            JsonTextListener listener = new JsonTextListener();
            List<JsonNode> received = listener.received;
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port
                    + "/api/kernels/" + kernel + "/channels?token=" + TOKEN), listener).get(60, TimeUnit.SECONDS);
            String msgId = UUID.randomUUID().toString();
            ObjectNode msg = Json.object();
            msg.putObject("header").put("msg_id", msgId).put("msg_type", "execute_request").put("session", "s")
                    .put("username", "u").put("version", "5.3").put("date", "");
            msg.putObject("parent_header");
            msg.putObject("metadata");
            msg.putObject("content").put("code", "System.out.println(6*7)").put("silent", false)
                    .put("store_history", true).put("allow_stdin", false).put("stop_on_error", true)
                    .putObject("user_expressions");
            msg.put("channel", "shell");
            ws.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> received.stream().anyMatch(m ->
                    msgId.equals(m.path("parent_header").path("msg_id").asText())
                            && "stream".equals(m.path("msg_type").asText())));
            JsonNode stream = received.stream().filter(m -> msgId.equals(m.path("parent_header").path("msg_id")
                    .asText()) && "stream".equals(m.path("msg_type").asText())).findFirst().orElseThrow();
            assertEquals("42\n", stream.path("content").path("text").asText());
            ws.abort();
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/kernels/" + kernel))
                    .header("Authorization", "token " + TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }
}
