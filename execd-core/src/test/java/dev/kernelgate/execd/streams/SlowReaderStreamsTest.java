package dev.kernelgate.execd.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.TestExecd;
import dev.kernelgate.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that reads an event stream slowly gets every line, in order, through {@code /command}, {@code /session}
 * and {@code /code}: the command's exit does not end the stream while output written before it is still in the pipe
 * (the run used to end early, with lines lost and the last one cut in half).
 */
class SlowReaderStreamsTest {
    private static final String TOKEN = "slow-reader-token";
    private static final int RATE = 50 * 1024;
    private static final int LINES = 200_000; // ~12 MB of events each: far more than a pipe and the socket buffers hold

    @TempDir
    static Path dir;
    static ExecdServer.Running execd;

    @BeforeAll
    static void start() {
        execd = TestExecd.start(dir, TOKEN);
    }

    @AfterAll
    static void stop() {
        execd.close();
    }

    @Test
    void everyLineReachesAReaderHeldTo50KilobytesASecond() throws Exception {
        String sessionId = Json.MAPPER.readTree(post("/session", "{}")).path("session_id").asText();
        ExecutorService readers = Executors.newFixedThreadPool(3);
        try {
            // The three at once: each is bound by its reader's rate, not by the machine.
            CompletableFuture<String> command = read(readers, "/command",
                    "{\"command\":\"seq 1 " + LINES + "\"}");
            CompletableFuture<String> session = read(readers, "/session/" + sessionId + "/run",
                    "{\"command\":\"seq 1 " + LINES + "\"}");
            CompletableFuture<String> code = read(readers, "/code",
                    "{\"context\":{\"language\":\"python\"},\"code\":\"for i in range(1, " + (LINES + 1)
                            + "):\\n    print(i)\"}");
            assertComplete("/command", command.get(10, TimeUnit.MINUTES));
            assertComplete("/session", session.get(10, TimeUnit.MINUTES));
            assertComplete("/code", code.get(10, TimeUnit.MINUTES));
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void aCommandsOutputOutlivesItsExitWhileTheReaderLagsBehind() throws Exception {
        // The process is gone long before the reader is through the pipe: at 50 KB/s this takes several seconds.
        assertComplete("/command", new ThrottledReader(RATE).post(execd.port(), "/command", auth(),
                "{\"command\":\"seq 1 20000\"}"), 20_000);
    }

    private static CompletableFuture<String> read(ExecutorService readers, String path, String body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new ThrottledReader(RATE).post(execd.port(), path, auth(), body);
            } catch (Exception e) {
                throw new IllegalStateException(path + ": " + e, e);
            }
        }, readers);
    }

    private static void assertComplete(String route, String body) throws Exception {
        assertComplete(route, body, LINES);
    }

    /** The stdout texts, joined, are exactly 1..n, and the stream ends with execution_complete. */
    private static void assertComplete(String route, String body, int n) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (!block.isBlank()) {
                events.add(Json.MAPPER.readTree(block));
            }
        }
        StringBuilder stdout = new StringBuilder();
        for (JsonNode e : events) {
            if ("stdout".equals(e.path("type").asText())) {
                String text = e.path("text").asText();
                // /command and /session send one line per event, without its newline; /code sends the kernel's
                // stream texts as they come, which may split a line.
                stdout.append(text).append(route.equals("/code") ? "" : "\n");
            }
        }
        String[] lines = stdout.toString().split("\n");
        assertEquals(n, lines.length, route + ": stdout lines");
        for (int i = 0; i < n; i++) {
            if (!String.valueOf(i + 1).equals(lines[i])) {
                throw new AssertionError(route + ": line " + (i + 1) + " is '" + lines[i] + "'");
            }
        }
        assertEquals("execution_complete", events.get(events.size() - 1).path("type").asText(),
                route + ": the terminal event");
    }

    private static String auth() {
        return "X-EXECD-ACCESS-TOKEN: " + TOKEN + "\r\n";
    }

    private static String post(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + execd.port() + path))
                .header("X-EXECD-ACCESS-TOKEN", TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
