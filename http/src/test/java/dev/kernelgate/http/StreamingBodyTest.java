package dev.kernelgate.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming request bodies: incremental delivery, backpressure, limits, early answers, disconnects. */
class StreamingBodyTest {

    static TestServer server;
    static final AtomicReference<StreamingRequestBody> lastStream = new AtomicReference<>();
    static volatile CountDownLatch gate = new CountDownLatch(0);
    static volatile CompletableFuture<Throwable> readFailure = new CompletableFuture<>();

    @BeforeAll
    static void start() {
        Routes routes = Routes.builder()
                .errors(CodeMessageErrorRenderer.withFallbackCode("UNKNOWN"))
                .post("/sum", StreamingBodyTest::sum, RouteOptions.streaming())
                .post("/gated", StreamingBodyTest::gated, RouteOptions.streaming())
                .post("/small", StreamingBodyTest::sum, RouteOptions.streaming().withBodyLimit(1000))
                .post("/early", r -> {
                    throw new HttpError(400, null, "refused before reading", "INVALID_FILE");
                }, RouteOptions.streaming())
                .post("/broken", r -> r.offload(() -> {
                    try (InputStream in = new BodySourceInputStream(r.bodyStream())) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                        readFailure.complete(null);
                    } catch (Throwable t) {
                        readFailure.complete(t);
                    }
                    return Responses.empty(200);
                }), RouteOptions.streaming())
                .post("/buffered", StreamingBodyTest::sum)
                .get("/ping", r -> Responses.text(200, "pong"))
                .build();
        server = new TestServer(routes);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Response sum(Request request) {
        return request.offload(() -> Responses.text(200, digest(request.bodyStream())));
    }

    static Response gated(Request request) {
        lastStream.set((StreamingRequestBody) request.bodyStream());
        return request.offload(() -> {
            gate.await(30, TimeUnit.SECONDS);
            return Responses.text(200, digest(request.bodyStream()));
        });
    }

    /** "bytes:crc32" of everything read. */
    static String digest(BodySource source) throws IOException {
        CRC32 crc = new CRC32();
        long total = 0;
        ByteBuf chunk;
        while ((chunk = source.read()) != null) {
            try {
                total += chunk.readableBytes();
                crc.update(chunk.nioBuffer());
            } finally {
                chunk.release();
            }
        }
        return total + ":" + Long.toHexString(crc.getValue());
    }

    static byte[] data(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + (i >>> 9));
        }
        return b;
    }

    static String expected(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return b.length + ":" + Long.toHexString(crc.getValue());
    }

    private HttpResponse<String> post(String path, byte[] body) throws Exception {
        return server.send(server.request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    @Test
    void wholeBodyArrivesInOrderAndTheConnectionIsReused() throws Exception {
        byte[] body = data(20 * 1024 * 1024 + 13);
        HttpResponse<String> r = post("/sum", body);
        assertEquals(200, r.statusCode());
        assertEquals(expected(body), r.body());
        assertEquals("0:0", post("/sum", new byte[0]).body());
        assertEquals("pong", server.get("/ping").body());
    }

    @Test
    void chunkedBodyWithoutLength() throws Exception {
        byte[] body = data(3 * 1024 * 1024 + 5);
        HttpRequest req = server.request("/sum")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build();
        HttpResponse<String> r = server.send(req);
        assertEquals(200, r.statusCode());
        assertEquals(expected(body), r.body());
    }

    @Test
    void aLaggingConsumerStopsTheSocketReadsAndTheQueueStaysBounded() throws Exception {
        gate = new CountDownLatch(1);
        lastStream.set(null);
        byte[] body = data(32 * 1024 * 1024);
        CompletableFuture<HttpResponse<String>> reply = server.client.sendAsync(
                server.request("/gated").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> lastStream.get() != null && lastStream.get().paused());
        assertTrue(!lastStream.get().isComplete(), "the whole body cannot be in while reads are paused");
        gate.countDown();
        HttpResponse<String> r = reply.get(30, TimeUnit.SECONDS);
        assertEquals(expected(body), r.body());
        long max = lastStream.get().maxQueuedBytes();
        assertTrue(max <= StreamingRequestBody.HIGH_WATER + 1024 * 1024, "queued at most " + max);
    }

    @Test
    void overTheLimitIs413WhetherDeclaredOrCounted() throws Exception {
        assertEquals(200, post("/small", data(1000)).statusCode());
        HttpResponse<String> declared = post("/small", data(5000));
        assertEquals(413, declared.statusCode());
        HttpRequest chunked = server.request("/small")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data(50_000))))
                .build();
        HttpResponse<String> counted = server.send(chunked);
        assertEquals(413, counted.statusCode());
        assertTrue(counted.body().contains("1000"), counted.body());
        assertEquals("pong", server.get("/ping").body());
    }

    @Test
    void anAnswerBeforeTheBodyClosesTheConnectionAfterDrainingIt() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n");
            RawHttp.Reply reply = raw.readResponse();
            assertEquals(400, reply.status());
            assertEquals("close", reply.header("connection"));
            assertTrue(reply.body().contains("INVALID_FILE"), reply.body());
            raw.out.write(new byte[300000]);
            raw.out.flush();
            assertTrue(raw.closedByPeer());
        }
        HttpResponse<String> r = post("/early", data(4 * 1024 * 1024));
        assertEquals(400, r.statusCode());
        assertEquals("pong", server.get("/ping").body());
    }

    @Test
    void aClientThatLeavesMidBodyFailsTheRead() throws Exception {
        readFailure = new CompletableFuture<>();
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /broken HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(500));
        }
        Throwable failure = readFailure.get(10, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, failure);
    }

    @Test
    void aStalledBodyTimesOutAfterTheIdleTimeout() throws Exception {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Routes routes = Routes.builder()
                .post("/slow", r -> r.offload(() -> {
                    try {
                        digest(r.bodyStream());
                        failure.complete(null);
                    } catch (Throwable t) {
                        failure.complete(t);
                    }
                    return Responses.text(400, "stalled");
                }), RouteOptions.streaming())
                .build();
        try (TestServer slow = new TestServer(routes, HttpServerConfig.of("127.0.0.1", 0)
                .withIdleTimeout(Duration.ofMillis(300)));
             RawHttp raw = new RawHttp(slow.port())) {
            raw.write("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly a little");
            Throwable t = failure.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, t);
            assertTrue(t.getMessage().contains("no request body data"), t.getMessage());
            assertEquals(400, raw.readResponse().status());
        }
    }

    @Test
    void pipelinedRequestAfterAStreamedBodyIsAnsweredInOrder() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /sum HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
            CRC32 crc = new CRC32();
            crc.update("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals("5:" + Long.toHexString(crc.getValue()), raw.readResponse().body());
            assertEquals("pong", raw.readResponse().body());
        }
    }

    @Test
    void aBufferedRouteReadsThroughTheSameInterface() throws Exception {
        byte[] body = data(100_000);
        assertEquals(expected(body), post("/buffered", body).body());
    }
}
