package dev.kernelgate.notebooks.javakernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.notebooks.GatewayFixture;
import dev.kernelgate.wire.Json;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled Java kernel, started by name through the gateway and driven over the legacy WebSocket protocol. */
class JavaKernelThroughGatewayTest {
    @TempDir
    static Path dir;
    static GatewayFixture gateway;
    static WebSocket socket;
    static final JsonTextListener listener = new JsonTextListener();
    static final List<JsonNode> received = listener.received;
    static String kernelId;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayFixture.start(dir, Map.of());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/api/kernels"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"java\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        kernelId = Json.MAPPER.readTree(created.body()).get("id").asText();
        socket = http.newWebSocketBuilder().buildAsync(URI.create(gateway.wsUrl() + "/api/kernels/" + kernelId
                + "/channels?session_id=" + UUID.randomUUID()), listener).get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        socket.abort();
        gateway.close();
    }

    /** Sends an execute_request and returns every message with it as parent once the reply and idle arrived. */
    static List<JsonNode> execute(String code) throws Exception {
        String id = send("shell", "execute_request", code);
        await().atMost(Duration.ofSeconds(60)).until(() -> done(id));
        return ofParent(id);
    }

    static String send(String channel, String type, String code) throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode msg = Json.object();
        ObjectNode header = msg.putObject("header");
        header.put("msg_id", id).put("msg_type", type).put("session", "s").put("username", "u")
                .put("version", "5.3").put("date", "");
        msg.putObject("parent_header");
        msg.putObject("metadata");
        ObjectNode content = msg.putObject("content");
        if (code != null) {
            content.put("code", code).put("silent", false).put("store_history", true).put("allow_stdin", false)
                    .put("stop_on_error", true).putObject("user_expressions");
        }
        msg.put("channel", channel);
        socket.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
        return id;
    }

    static List<JsonNode> ofParent(String id) {
        return received.stream().filter(m -> id.equals(m.path("parent_header").path("msg_id").asText())).toList();
    }

    static boolean done(String id) {
        List<JsonNode> mine = ofParent(id);
        return mine.stream().anyMatch(m -> m.get("msg_type").asText().endsWith("_reply"))
                && mine.stream().anyMatch(m -> "status".equals(m.get("msg_type").asText())
                        && "idle".equals(m.path("content").path("execution_state").asText()));
    }

    static JsonNode first(List<JsonNode> messages, String type) {
        JsonNode m = messages.stream().filter(x -> type.equals(x.get("msg_type").asText())).findFirst().orElse(null);
        assertNotNull(m, "no " + type + " in " + messages);
        return m.get("content");
    }

    @Test
    void printlnStreamsAndExpressionsGiveResults() throws Exception {
        assertEquals("42\n", first(execute("System.out.println(6*7)"), "stream").get("text").asText());
        assertEquals("2", first(execute("1+1"), "execute_result").get("data").get("text/plain").asText());
        execute("int x = 40;");
        assertEquals("42", first(execute("x + 2"), "execute_result").get("data").get("text/plain").asText());
    }

    @Test
    void exceptionsAndCompileErrorsAreErrors() throws Exception {
        JsonNode boom = first(execute("throw new IllegalStateException(\"boom\")"), "error");
        assertTrue(boom.get("ename").asText().endsWith("IllegalStateException"), boom.toString());
        assertEquals("boom", boom.get("evalue").asText());
        JsonNode parse = first(execute("Integer.parseInt(\"x\")"), "error");
        assertTrue(parse.get("ename").asText().endsWith("NumberFormatException"), parse.toString());
        assertEquals("EvalException", first(execute("int y = \"text\";"), "error").get("ename").asText());
    }

    @Test
    void interruptStopsAnEndlessLoopWithinTwoSecondsAndTheKernelKeepsWorking() throws Exception {
        String loop = send("shell", "execute_request", "while (true) {}");
        await().atMost(Duration.ofSeconds(30)).until(() -> ofParent(loop).stream()
                .anyMatch(m -> "busy".equals(m.path("content").path("execution_state").asText())));
        long start = System.nanoTime();
        HttpResponse<String> interrupted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gateway.httpUrl() + "/api/kernels/" + kernelId + "/interrupt"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, interrupted.statusCode());
        await().atMost(Duration.ofSeconds(2)).until(() -> done(loop));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2000);
        assertEquals("2", first(execute("1+1"), "execute_result").get("data").get("text/plain").asText());
    }

    @Test
    void bufferedImageDisplayArrivesAsAValidPng() throws Exception {
        List<JsonNode> out = execute("var img = new java.awt.image.BufferedImage(8, 6, "
                + "java.awt.image.BufferedImage.TYPE_INT_RGB);\ndisplay(img);");
        String png = first(out, "display_data").get("data").get("image/png").asText();
        var image = ImageIO.read(new ByteArrayInputStream(Base64.getMimeDecoder().decode(png)));
        assertNotNull(image);
        assertEquals(8, image.getWidth());
        assertEquals(6, image.getHeight());
    }

    @Test
    void kernelInfoDescribesJava() throws Exception {
        String id = send("shell", "kernel_info_request", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> done(id));
        JsonNode info = first(ofParent(id), "kernel_info_reply");
        assertEquals("java", info.get("language_info").get("name").asText());
        assertEquals("5.3", info.get("protocol_version").asText());
    }
}
