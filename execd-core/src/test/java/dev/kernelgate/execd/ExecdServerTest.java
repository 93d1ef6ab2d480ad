package dev.kernelgate.execd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled execd: one port for the execd API, the Kernel Gateway API and the port proxy, token on all. */
class ExecdServerTest {
    private static final String TOKEN = "execd-test-token";

    @TempDir
    static Path dir;
    static ExecdServer.Running execd;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        execd = TestExecd.start(dir, TOKEN);
    }

    @AfterAll
    static void stop() {
        execd.close();
    }

    static HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + execd.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("X-EXECD-ACCESS-TOKEN", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<JsonNode> events(String body) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (!block.isBlank()) {
                events.add(Json.MAPPER.readTree(block));
            }
        }
        return events;
    }

    @Test
    void everyRouteWantsTheTokenIncludingTheProxy() throws Exception {
        for (String path : List.of("/ping", "/metrics", "/code/contexts", "/api/kernels", "/proxy/" + execd.port()
                + "/ping", "/files/info?path=/tmp", "/nope")) {
            HttpResponse<String> missing = call("GET", path, null, null);
            assertEquals(401, missing.statusCode(), path);
            assertTrue(missing.body().contains("X-EXECD-ACCESS-TOKEN") && missing.body().contains("AUTH_003"),
                    missing.body());
            assertEquals(401, call("GET", path, null, "wrong").statusCode(), path);
        }
        assertEquals(200, call("GET", "/ping", null, TOKEN).statusCode());
        assertEquals("", call("GET", "/ping", null, TOKEN).body());
        HttpResponse<String> unknown = call("GET", "/nope", null, TOKEN);
        assertEquals(404, unknown.statusCode());
        assertEquals("404 page not found", unknown.body());
    }

    @Test
    void execdReachesItselfThroughTheProxyIncludingAsPort44772() throws Exception {
        assertEquals(200, call("GET", "/proxy/" + execd.port() + "/ping", null, TOKEN).statusCode());
        assertEquals(200, call("GET", "/proxy/44772/ping", null, TOKEN).statusCode());
        List<JsonNode> run = events(call("POST", "/proxy/44772/command", "{\"command\":\"echo proxied\"}", TOKEN)
                .body());
        assertEquals("proxied", run.get(1).get("text").asText());
    }

    @Test
    void javaCodeRunsInTheBundledKernelAndItsKernelIsVisibleToJupyterClients() throws Exception {
        HttpResponse<String> response = call("POST", "/code",
                "{\"context\":{\"language\":\"java\"},\"code\":\"System.out.println(6*7);\\n2+2\"}", TOKEN);
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> events = events(response.body());
        assertEquals("init", events.get(0).get("type").asText());
        assertTrue(events.stream().anyMatch(e -> "stdout".equals(e.get("type").asText())
                && "42\n".equals(e.get("text").asText())), events.toString());
        assertTrue(events.stream().anyMatch(e -> "result".equals(e.get("type").asText())
                && "4".equals(e.path("results").path("text").asText())), events.toString());
        assertEquals("execution_complete", events.get(events.size() - 1).get("type").asText());

        HttpRequest kg = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + execd.port() + "/api/kernels"))
                .header("Authorization", "token " + TOKEN).build();
        JsonNode kernels = Json.MAPPER.readTree(http.send(kg, HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(kernels.toString().contains("\"name\":\"java\""), kernels.toString());
    }

    @Test
    void deleteCodeInterruptsBackgroundCommandsToo() throws Exception {
        List<JsonNode> started = events(call("POST", "/command", "{\"command\":\"sleep 30\",\"background\":true}",
                TOKEN).body());
        String id = started.get(0).get("text").asText();
        assertEquals(200, call("DELETE", "/code?id=" + id, null, TOKEN).statusCode());
        JsonNode status = Json.MAPPER.readTree(call("GET", "/command/status/" + id, null, TOKEN).body());
        assertEquals(false, status.get("running").asBoolean());
        assertEquals(500, call("DELETE", "/code?id=no-such-id", null, TOKEN).statusCode());
    }

    @Test
    void codeWithoutALanguageRunsAsACommand() throws Exception {
        List<JsonNode> events = events(call("POST", "/code", "{\"code\":\"echo stateless\"}", TOKEN).body());
        assertEquals("stateless", events.get(1).get("text").asText());
        assertEquals("execution_complete", events.get(events.size() - 1).get("type").asText());
    }
}
