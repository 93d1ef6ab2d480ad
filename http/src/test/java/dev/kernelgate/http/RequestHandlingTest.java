package dev.kernelgate.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Bodies, limits, async completion, failures and malformed input, all on one long-lived server. */
class RequestHandlingTest {

    record StartKernel(String name, Map<String, String> env) {
    }

    static final class NoSuchKernel extends RuntimeException {
        NoSuchKernel(String id) {
            super("Kernel does not exist: " + id);
        }
    }

    static TestServer server;
    static final List<CompletableFuture<Response>> pending = new CopyOnWriteArrayList<>();

    private ListAppender<ILoggingEvent> logged;
    private Logger failuresLogger;

    @BeforeAll
    static void start() {
        ErrorRenderer kg = new ErrorRenderer() {
            private final ReasonMessageErrorRenderer format = new ReasonMessageErrorRenderer(true);

            @Override
            public HttpError map(Throwable failure) {
                return failure instanceof NoSuchKernel ? HttpError.notFound(failure.getMessage()) : null;
            }

            @Override
            public Response render(HttpError error, Request request) {
                return format.render(error, request);
            }
        };
        Routes routes = Routes.builder()
                .errors(kg)
                .post("/api/kernels", r -> Responses.json(201, r.json(StartKernel.class)))
                .post("/tree", r -> Responses.json(Map.of("keys", r.jsonTree().size())))
                .post("/upload", r -> Responses.json(Map.of("bytes", r.bodyBytes().length)),
                        RouteOptions.bodyLimit(64 * 1024))
                .post("/small", r -> Responses.json(Map.of("bytes", r.bodyBytes().length)))
                .get("/async", r -> {
                    CompletableFuture<Response> later = new CompletableFuture<>();
                    pending.add(later);
                    return Responses.async(later);
                })
                .get("/offload", r -> r.offload(() -> Responses.json(Map.of("thread",
                        Thread.currentThread().getName().startsWith("kernelgate-http") ? "loop" : "worker"))))
                .get("/fail-sync", r -> {
                    throw new IllegalStateException("sync boom");
                })
                .get("/fail-async", r -> Responses.async(CompletableFuture.supplyAsync(() -> {
                    throw new IllegalStateException("async boom");
                })))
                .get("/kernels/{id}", r -> {
                    throw new NoSuchKernel(r.pathParam("id"));
                })
                .get("/fast", r -> Responses.text(200, "fast"))
                .build();
        server = new TestServer(routes, HttpServerConfig.of("127.0.0.1", 0).withMaxRequestBodyBytes(1024));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void captureLogs() {
        failuresLogger = (Logger) LoggerFactory.getLogger(Failures.class);
        logged = new ListAppender<>();
        logged.start();
        failuresLogger.addAppender(logged);
    }

    @AfterEach
    void releaseLogs() {
        failuresLogger.detachAppender(logged);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return server.send(server.request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void jsonBodyBindsToRecords() throws Exception {
        HttpResponse<String> r = post("/api/kernels", "{\"name\":\"python3\",\"env\":{\"A\":\"1\"},\"extra\":true}");
        assertEquals(201, r.statusCode());
        assertEquals(TestJson.parse("{\"name\":\"python3\",\"env\":{\"A\":\"1\"}}"), TestJson.parse(r.body()));
        assertEquals("{\"keys\":2}", post("/tree", "{\"a\":1,\"b\":2}").body());
    }

    @Test
    void badJsonIs400WithTheFaceMessage() throws Exception {
        for (String path : List.of("/api/kernels", "/tree")) {
            for (String body : List.of("{not json", "", "{\"name\": [1,")) {
                HttpResponse<String> r = post(path, body);
                assertEquals(400, r.statusCode(), path + " " + body);
                assertEquals(TestJson.parse("{\"reason\":\"Bad Request\",\"message\":\"Invalid JSON in body of request\"}"),
                        TestJson.parse(r.body()));
            }
        }
        assertTrue(logged.list.isEmpty(), "client errors are not logged as failures");
        assertEquals(200, server.get("/fast").statusCode());
    }

    @Test
    void declaredOversizeBodyIs413AndTheConnectionStaysUsable() throws Exception {
        HttpResponse<String> r = post("/small", "x".repeat(5000));
        assertEquals(413, r.statusCode());
        assertEquals("Request Entity Too Large", TestJson.parse(r.body()).get("reason").asText());
        assertEquals("{\"bytes\":1000}", post("/small", "x".repeat(1000)).body());
    }

    @Test
    void chunkedOversizeBodyIs413() throws Exception {
        HttpResponse<String> r = server.send(server.request("/small").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(new byte[200_000]))).build());
        assertEquals(413, r.statusCode());
        assertEquals(200, server.get("/fast").statusCode());
    }

    @Test
    void routeCanRaiseItsBodyLimit() throws Exception {
        assertEquals("{\"bytes\":50000}", post("/upload", "y".repeat(50_000)).body());
        assertEquals(413, post("/upload", "y".repeat(70_000)).statusCode());
    }

    @Test
    void asyncHandlerCompletesFromAnotherThread() throws Exception {
        pending.clear();
        CompletableFuture<HttpResponse<String>> reply =
                server.client.sendAsync(server.request("/async").build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == 1);
        assertFalse(reply.isDone());
        Thread completer = new Thread(() -> pending.get(0).complete(Responses.json(Map.of("done", true))));
        completer.start();
        HttpResponse<String> r = reply.get(5, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("{\"done\":true}", r.body());
    }

    @Test
    void asyncFailureIsRenderedLikeASyncOne() throws Exception {
        pending.clear();
        CompletableFuture<HttpResponse<String>> reply =
                server.client.sendAsync(server.request("/async").build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == 1);
        pending.get(0).completeExceptionally(HttpError.forbidden("Resource Limit"));
        HttpResponse<String> r = reply.get(5, TimeUnit.SECONDS);
        assertEquals(403, r.statusCode());
        assertEquals(TestJson.parse("{\"reason\":\"Forbidden\",\"message\":\"Resource Limit\"}"), TestJson.parse(r.body()));
    }

    @Test
    void offloadRunsOnTheBlockingExecutor() throws Exception {
        assertEquals("{\"thread\":\"worker\"}", server.get("/offload").body());
    }

    @Test
    void unexpectedFailuresAre500LoggedOnceWithStackTrace() throws Exception {
        for (String path : List.of("/fail-sync", "/fail-async")) {
            logged.list.clear();
            HttpResponse<String> r = server.get(path);
            assertEquals(500, r.statusCode());
            var body = TestJson.parse(r.body());
            assertEquals("Internal Server Error", body.get("reason").asText());
            assertEquals("Unknown server error", body.get("message").asText());
            assertTrue(body.get("traceback").asText().contains("boom"));
            assertEquals(1, logged.list.size(), path);
            assertEquals(Level.ERROR, logged.list.get(0).getLevel());
            assertTrue(logged.list.get(0).getThrowableProxy().getMessage().contains("boom"));
        }
        assertEquals(200, server.get("/fast").statusCode());
    }

    @Test
    void faceMapsDomainExceptionsWithoutLogging() throws Exception {
        HttpResponse<String> r = server.get("/kernels/k1");
        assertEquals(404, r.statusCode());
        assertEquals("Kernel does not exist: k1", TestJson.parse(r.body()).get("message").asText());
        assertTrue(logged.list.isEmpty());
    }

    @Test
    void malformedHttpIs400AndTheServerKeepsServing() throws Exception {
        for (String garbage : List.of("NOT-HTTP\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n")) {
            try (RawHttp raw = new RawHttp(server.port())) {
                raw.write(garbage);
                RawHttp.Reply reply = raw.readResponse();
                assertEquals(400, reply.status(), garbage);
                assertEquals("close", reply.header("Connection"));
                assertTrue(raw.closedByPeer());
            }
        }
        assertEquals(200, server.get("/fast").statusCode());
    }

    @Test
    void tooLongRequestLineIs414() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(414, raw.readResponse().status());
        }
        assertEquals(200, server.get("/fast").statusCode());
    }

    @Test
    void badQueryEscapeIs400() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /fast?x=%zz HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(400, raw.readResponse().status());
            assertEquals(200, raw.readResponse().status()); // same connection, still in sync
        }
    }

    @Test
    void expectContinueOverTheLimitIs413WithoutReadingTheBody() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Reply reply = raw.readResponse();
            assertEquals(413, reply.status());
            assertTrue(raw.closedByPeer());
        }
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, raw.readHead().status());
            raw.write("{}");
            assertEquals("{\"bytes\":2}", raw.readResponse().body());
        }
    }

    @Test
    void pipelinedRequestsAnswerInOrder() throws Exception {
        pending.clear();
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /async HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == 1);
            pending.get(0).complete(Responses.text(200, "slow"));
            assertEquals("slow", raw.readResponse().body());
            assertEquals("fast", raw.readResponse().body());
            assertEquals("{\"bytes\":3}", raw.readResponse().body());
        }
    }

    @Test
    void http10GetsConnectionClose() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /fast HTTP/1.0\r\n\r\n");
            RawHttp.Reply reply = raw.readResponse();
            assertEquals(200, reply.status());
            assertNotEquals("keep-alive", reply.header("Connection"));
            assertTrue(raw.closedByPeer());
        }
    }
}
