package dev.kernelgate.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** execd's event streams: bare JSON objects separated by blank lines, headers on the first event. */
class EventStreamTest {

    static TestServer server;
    static final AtomicReference<EventStreamWriter> current = new AtomicReference<>();
    static final AtomicBoolean disconnected = new AtomicBoolean();

    static Map<String, Object> event(String type, String text) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("text", text);
        return e;
    }

    @BeforeAll
    static void start() {
        Routes routes = Routes.builder()
                .errors(CodeMessageErrorRenderer.withFallbackCode("RUNTIME_ERROR"))
                .post("/command", r -> {
                    String cmd = r.jsonTree().path("command").asText("");
                    if (cmd.isEmpty()) {
                        throw HttpError.badRequest("command is required").withCode("INVALID_REQUEST_BODY");
                    }
                    // Events come from another thread, as they do from a process reader.
                    return Responses.eventStream(events -> new Thread(() -> {
                        events.send(event("init", "cmd-1"));
                        events.send(event("stdout", cmd));
                        events.end(event("execution_complete", null));
                    }).start());
                })
                .get("/held", r -> Responses.eventStream(current::set))
                .get("/fails-early", r -> Responses.eventStream(events -> {
                    throw new HttpError(409, "busy").withCode("ALREADY_RUNNING");
                }))
                .get("/fails-late", r -> Responses.eventStream(events -> {
                    events.send(event("init", "x"));
                    events.fail(new IllegalStateException("reader died"));
                }))
                .get("/pinging", r -> Responses.eventStream(events -> {
                    current.set(events);
                    events.send(event("init", "p"));
                    events.startPing(Duration.ofMillis(20), () -> event("ping", "pong"));
                }))
                .get("/endless", r -> Responses.eventStream(events -> {
                    events.onDisconnect(() -> disconnected.set(true));
                    events.send(event("init", "e"));
                }))
                .get("/short", r -> Responses.eventStream(events -> events.end(event("init", "s"))))
                .get("/fast", r -> Responses.text(200, "fast"))
                .build();
        server = new TestServer(routes);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void eventsAreBareJsonSeparatedByBlankLinesAndEndAfterTheTerminalEvent() throws Exception {
        HttpResponse<String> r = server.send(server.request("/command")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"echo hi\"}")).build());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("no", r.headers().firstValue("X-Accel-Buffering").orElseThrow());
        assertEquals("{\"type\":\"init\",\"text\":\"cmd-1\"}\n\n"
                + "{\"type\":\"stdout\",\"text\":\"echo hi\"}\n\n"
                + "{\"type\":\"execution_complete\",\"text\":null}\n\n", r.body());
        assertEquals(200, server.get("/fast").statusCode());
    }

    @Test
    void headersWaitForTheFirstEvent() throws Exception {
        current.set(null);
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> reply = server.client.sendAsync(
                server.request("/held").build(), HttpResponse.BodyHandlers.ofLines());
        await().atMost(Duration.ofSeconds(5)).until(() -> current.get() != null);
        assertFalse(reply.isDone(), "no status line before the first event");
        EventStreamWriter events = current.get();
        events.send(event("init", "late"));
        HttpResponse<java.util.stream.Stream<String>> r = reply.get(5, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        Iterator<String> lines = r.body().iterator();
        assertEquals("{\"type\":\"init\",\"text\":\"late\"}", lines.next());
        assertEquals("", lines.next());
        events.end(event("execution_complete", "done"));
        assertEquals("{\"type\":\"execution_complete\",\"text\":\"done\"}", lines.next());
        assertEquals("", lines.next());
        assertFalse(lines.hasNext());
        assertFalse(events.isOpen());
        assertFalse(events.send(event("stdout", "too late")));
    }

    @Test
    void failureBeforeTheFirstEventIsANormalErrorResponse() throws Exception {
        HttpResponse<String> r = server.get("/fails-early");
        assertEquals(409, r.statusCode());
        assertEquals(TestJson.parse("{\"code\":\"ALREADY_RUNNING\",\"message\":\"busy\"}"), TestJson.parse(r.body()));
        HttpResponse<String> invalid = server.send(server.request("/command")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(400, invalid.statusCode());
        assertEquals("INVALID_REQUEST_BODY", TestJson.parse(invalid.body()).get("code").asText());
    }

    @Test
    void failureAfterTheFirstEventTruncatesTheStream() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /fails-late HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Reply head = raw.readHead();
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("Transfer-Encoding"));
            assertEquals("{\"type\":\"init\",\"text\":\"x\"}\n\n", raw.readChunk());
            assertTrue(raw.closedByPeer(), "no terminating chunk: the client must see a truncated body");
        }
        assertEquals(200, server.get("/fast").statusCode());
    }

    @Test
    void pingsRunOnTheEventLoopUntilTheEnd() throws Exception {
        current.set(null);
        HttpResponse<java.util.stream.Stream<String>> r = server.client.send(server.request("/pinging").build(),
                HttpResponse.BodyHandlers.ofLines());
        Iterator<String> lines = r.body().iterator();
        List<String> events = new ArrayList<>();
        while (events.stream().filter(e -> e.contains("\"ping\"")).count() < 3) {
            String line = lines.next();
            if (!line.isEmpty()) {
                events.add(line);
            }
        }
        assertEquals("{\"type\":\"init\",\"text\":\"p\"}", events.get(0));
        assertEquals("{\"type\":\"ping\",\"text\":\"pong\"}", events.get(1));
        current.get().end(event("execution_complete", null));
        String last = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (!line.isEmpty()) {
                last = line;
            }
        }
        assertEquals("{\"type\":\"execution_complete\",\"text\":null}", last);
    }

    @Test
    void clientDisconnectIsReported() throws Exception {
        disconnected.set(false);
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, raw.readHead().status());
            assertEquals("{\"type\":\"init\",\"text\":\"e\"}\n\n", raw.readChunk());
        }
        await().atMost(Duration.ofSeconds(5)).untilTrue(disconnected);
        assertEquals(200, server.get("/fast").statusCode());
    }

    @Test
    void headRequestGetsHeadersOnly() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("HEAD /short HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Reply head = raw.readHead();
            assertEquals(200, head.status());
            assertEquals("text/event-stream", head.header("Content-Type"));
            assertNull(head.header("Transfer-Encoding"));
            assertEquals("fast", raw.readResponse().body()); // no stray body bytes in between
        }
    }
}
