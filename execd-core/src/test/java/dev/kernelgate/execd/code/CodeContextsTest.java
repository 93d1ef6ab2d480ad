package dev.kernelgate.execd.code;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.http.CodeMessageErrorRenderer;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import dev.kernelgate.kernels.KernelManager;
import dev.kernelgate.kernels.KernelManagerConfig;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import dev.kernelgate.wire.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /code} and {@code /code/context(s)} over real kernels. */
class CodeContextsTest {
    private static final String PNG_B64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    @TempDir
    static Path dir;
    static KernelManager manager;
    static CodeContexts contexts;
    static RunningServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        KernelSpecCatalog catalog = new KernelSpecCatalog(
                KernelSpecSearchPath.fromEnvironment(Map.of(), Path.of("/nonexistent")));
        manager = new KernelManager(KernelManagerConfig.defaults(Map.of()).withRuntimeDir(dir.resolve("rt"))
                .withKernelOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("k.log").toFile())), catalog);
        contexts = new CodeContexts(manager, System.getenv(), Duration.ofSeconds(60), Executors.newCachedThreadPool());
        CodeHandler code = new CodeHandler(contexts, (req, c) -> Responses.json(200, Map.of("command", c)));
        Routes routes = Routes.builder()
                .errors(CodeMessageErrorRenderer.withFallbackCode("UNKNOWN"))
                .post("/code", code::run)
                .delete("/code", code::interrupt)
                .post("/code/context", code::createContext)
                .get("/code/contexts", code::listContexts)
                .delete("/code/contexts", code::deleteContexts)
                .get("/code/contexts/{contextId}", code::getContext)
                .delete("/code/contexts/{contextId}", code::deleteContext)
                .build();
        server = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), routes, Executors.newCachedThreadPool())
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
        contexts.close();
        manager.close();
    }

    static HttpResponse<String> call(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static String createContext(String language) throws Exception {
        HttpResponse<String> r = call("POST", "/code/context", "{\"language\":\"" + language + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertEquals(language, body.get("language").asText());
        return body.get("id").asText();
    }

    /** Runs code and returns its events (bare JSON objects separated by blank lines). */
    static List<JsonNode> run(String contextId, String language, String code) throws Exception {
        String context = contextId == null ? "{\"language\":\"" + language + "\"}"
                : "{\"id\":\"" + contextId + "\",\"language\":\"" + language + "\"}";
        String body = "{\"context\":" + context + ",\"code\":" + Json.MAPPER.writeValueAsString(code) + "}";
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/code"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("content-type").orElse(""));
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonNode event = Json.MAPPER.readTree(line);
                    assertTrue(event.get("timestamp").asLong() > 0);
                    if (!"ping".equals(event.get("type").asText())) {
                        events.add(event);
                    }
                }
            }
        }
        return events;
    }

    static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(e -> type.equals(e.get("type").asText())).toList();
    }

    @Test
    void stateStaysInAContextAndContextsAreIsolated() throws Exception {
        String a = createContext("python");
        String b = createContext("python");
        List<JsonNode> set = run(a, "python", "x = 42");
        assertEquals("init", set.get(0).get("type").asText());
        assertEquals(a, set.get(0).get("text").asText());
        assertEquals(1, ofType(set, "execution_complete").size());
        List<JsonNode> read = run(a, "python", "print(x)\nx + 1");
        assertEquals("42\n", ofType(read, "stdout").get(0).get("text").asText());
        assertEquals("43", ofType(read, "result").get(0).get("results").get("text").asText());
        assertEquals(1, ofType(read, "execution_count").size());
        List<JsonNode> isolated = run(b, "python", "x");
        assertEquals("NameError", ofType(isolated, "error").get(0).get("error").get("ename").asText());
    }

    @Test
    void errorsAndPngDisplaysBecomeEvents() throws Exception {
        List<JsonNode> error = run(null, "python", "1/0");
        JsonNode e = ofType(error, "error").get(0).get("error");
        assertEquals("ZeroDivisionError", e.get("ename").asText());
        assertTrue(e.get("traceback").size() > 0);
        List<JsonNode> png = run(null, "python", "import base64\nfrom IPython.display import Image, display\n"
                + "display(Image(data=base64.b64decode('" + PNG_B64 + "')))");
        JsonNode result = ofType(png, "result").get(0).get("results");
        assertEquals(Base64.getDecoder().decode(PNG_B64).length,
                Base64.getDecoder().decode(result.get("image/png").asText().replace("\n", "")).length);
        assertTrue(result.has("text"), "text/plain is renamed text");
    }

    @Test
    void rKernelRunsByLanguageAndByKernelspecName() throws Exception {
        List<JsonNode> events = run(null, "R", "cat(6*7)");
        assertEquals("42", ofType(events, "stdout").get(0).get("text").asText());
        String ir = createContext("ir");
        assertEquals("[1] 2", ofType(run(ir, "ir", "1+1"), "result").get(0).get("results").get("text").asText());
    }

    @Test
    void interruptEndsARunningLoop() throws Exception {
        String id = createContext("python");
        CompletableFuture<List<JsonNode>> loop = CompletableFuture.supplyAsync(() -> {
            try {
                return run(id, "python", "while True: pass");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            HttpResponse<String> busy = call("POST", "/code", "{\"context\":{\"id\":\"" + id
                    + "\",\"language\":\"python\"},\"code\":\"1\"}");
            return busy.statusCode() == 500 && busy.body().contains("busy");
        });
        assertEquals(200, call("DELETE", "/code?id=" + id, null).statusCode());
        List<JsonNode> events = loop.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("KeyboardInterrupt", ofType(events, "error").get(0).get("error").get("ename").asText());
    }

    @Test
    void aRunRightAfterAFailedRunIsNeverAborted() throws Exception {
        String id = createContext("python");
        for (int i = 0; i < 10; i++) {
            assertEquals("ValueError", ofType(run(id, "python", "raise ValueError(" + i + ")"), "error").get(0)
                    .get("error").get("ename").asText());
            List<JsonNode> next = run(id, "python", "print(" + i + ")");
            assertEquals(List.of(), ofType(next, "error"), "run " + i + " after an error: " + next);
            StringBuilder stdout = new StringBuilder(); // a print may arrive as more than one stream event
            ofType(next, "stdout").forEach(e -> stdout.append(e.get("text").asText()));
            assertEquals(i + "\n", stdout.toString());
        }
    }

    @Test
    void contextCrudAndBadInput() throws Exception {
        String id = createContext("python");
        assertEquals(200, call("GET", "/code/contexts/" + id, null).statusCode());
        assertTrue(call("GET", "/code/contexts?language=python", null).body().contains(id));
        assertEquals(200, call("DELETE", "/code/contexts/" + id, null).statusCode());
        HttpResponse<String> gone = call("GET", "/code/contexts/" + id, null);
        assertEquals(404, gone.statusCode());
        assertEquals("CONTEXT_NOT_FOUND", Json.MAPPER.readTree(gone.body()).get("code").asText());
        HttpResponse<String> unknown = call("POST", "/code/context", "{\"language\":\"cobol\"}");
        assertEquals(500, unknown.statusCode());
        assertTrue(unknown.body().contains("EXECD_001"), unknown.body());
        assertEquals(400, call("POST", "/code", "{not json").statusCode());
        assertEquals(400, call("POST", "/code", "{\"context\":{\"language\":\"python\"}}").statusCode());
        assertEquals(400, call("DELETE", "/code", null).statusCode());
        assertEquals(500, call("DELETE", "/code?id=nope", null).statusCode());
        assertEquals(400, call("DELETE", "/code/contexts", null).statusCode());
        HttpResponse<String> fake = call("POST", "/code", "{\"context\":{\"id\":\"fake\",\"language\":\"python\"},"
                + "\"code\":\"1\"}");
        assertEquals(500, fake.statusCode());
        assertEquals("{\"command\":\"ls\"}", call("POST", "/code", "{\"code\":\"ls\"}").body());
    }
}
