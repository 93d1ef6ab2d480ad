package dev.kernelgate.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The request-head deadline and the per-client connection limit ({@link ConnectionLimits}) against slow and
 * numerous clients. Every client here is on 127.0.0.1, so each test runs its own server with the limits it needs.
 */
class SlowClientLimitsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final int SLOW_CLIENTS = 300;

    private static Routes routes() {
        return Routes.builder()
                .errors(new ReasonMessageErrorRenderer(false))
                .get("/ping", r -> Responses.text(200, "pong"))
                .post("/echo", r -> Responses.text(200, r.bodyText()))
                .build();
    }

    private static HttpServerConfig config(ConnectionLimits limits) {
        return HttpServerConfig.of("127.0.0.1", 0).withLimits(limits);
    }

    /** One slowloris connection: what it was sent, what came back, and when. */
    private static final class Slow {
        final SocketChannel channel;
        final long connectedNanos = System.nanoTime();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        long firstReplyNanos;
        int sent;
        boolean ended;

        Slow(SocketChannel channel) {
            this.channel = channel;
        }

        String reply() {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * 300 connections each send one byte of a request head a second (a head far longer than the test lasts)
     * while a normal client makes requests: its requests stay fast, and every slow connection gets 408 with
     * {@code Connection: close} at the deadline and is closed.
     */
    @Test
    void slowlorisConnectionsAreAnswered408AtTheDeadlineWhileOthersAreServed() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(DEADLINE, 1000);
        byte[] head = ("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (TestServer server = new TestServer(routes(), config(limits));
             Selector selector = Selector.open()) {
            assertEquals(200, server.get("/ping").statusCode()); // the client's own start-up is not measured
            List<Slow> slow = new ArrayList<>();
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                ch.configureBlocking(false);
                Slow s = new Slow(ch);
                ch.register(selector, SelectionKey.OP_READ, s);
                slow.add(s);
            }
            AtomicInteger ended = new AtomicInteger();
            Thread driver = new Thread(() -> drive(selector, slow, head, ended), "slowloris");
            driver.setDaemon(true);
            driver.start();

            // The normal client, while every slow connection is held open.
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = server.get("/ping");
                millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                assertEquals(200, r.statusCode());
                assertEquals("pong", r.body());
            }
            assertEquals(0, ended.get(), "the normal requests ran while the slow connections were still open");
            long slowest = millis.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertTrue(slowest < 1000, "normal requests took up to " + slowest + " ms: " + millis);

            await().atMost(Duration.ofSeconds(20)).until(() -> ended.get() == SLOW_CLIENTS);
            driver.join(5000);
            for (Slow s : slow) {
                String reply = s.reply();
                assertTrue(reply.startsWith("HTTP/1.1 408 Request Timeout\r\n"), reply);
                assertTrue(reply.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), reply);
                assertTrue(reply.contains("\"reason\":\"Request Timeout\""), reply);
                long afterMillis = TimeUnit.NANOSECONDS.toMillis(s.firstReplyNanos - s.connectedNanos);
                assertTrue(afterMillis >= DEADLINE.toMillis() - 50 && afterMillis < DEADLINE.toMillis() + 3000,
                        "answered " + afterMillis + " ms after connecting");
                assertTrue(s.sent < head.length, "the head was never complete");
            }
            // The server is still well after the flood.
            assertEquals(200, server.get("/ping").statusCode());
        }
    }

    /** Writes one byte to every open slow connection per second and reads what comes back, until all ended. */
    private static void drive(Selector selector, List<Slow> slow, byte[] head, AtomicInteger ended) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        long nextTick = System.nanoTime();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            while (ended.get() < slow.size() && System.nanoTime() < deadline) {
                if (System.nanoTime() >= nextTick) {
                    for (Slow s : slow) {
                        if (!s.ended && s.firstReplyNanos == 0 && s.sent < head.length) {
                            try {
                                s.channel.write(ByteBuffer.wrap(head, s.sent, 1));
                                s.sent++;
                            } catch (IOException e) {
                                // the server may already have closed it after answering
                            }
                        }
                    }
                    nextTick += TimeUnit.SECONDS.toNanos(1);
                }
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime()));
                selector.select(wait);
                for (SelectionKey key : selector.selectedKeys()) {
                    Slow s = (Slow) key.attachment();
                    buffer.clear();
                    int n;
                    try {
                        n = s.channel.read(buffer);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n > 0) {
                        if (s.firstReplyNanos == 0) {
                            s.firstReplyNanos = System.nanoTime();
                        }
                        s.received.write(buffer.array(), 0, n);
                    } else if (n < 0) {
                        key.cancel();
                        s.ended = true;
                        s.channel.close();
                        ended.incrementAndGet();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            for (Slow s : slow) {
                try {
                    s.channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** A connection that sends nothing at all is closed at the deadline without an answer, as an idle one is. */
    @Test
    void silentNewConnectionIsClosedQuietlyAtTheDeadline() throws Exception {
        try (TestServer server = new TestServer(routes(), config(new ConnectionLimits(Duration.ofSeconds(1), 0)));
             RawHttp raw = new RawHttp(server.port())) {
            assertClosedQuietlyWithin(raw, 950, 4000);
        }
    }

    /** The server closes {@code raw} between the two times (from now) without writing a byte. */
    private static void assertClosedQuietlyWithin(RawHttp raw, long minMillis, long maxMillis) throws IOException {
        long start = System.nanoTime();
        assertEquals(-1, raw.in.read(), "closed without a byte written");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis >= minMillis && millis < maxMillis, "closed after " + millis + " ms");
    }

    /**
     * A kept-alive connection waiting for its next request has no head deadline: it serves a request sent after
     * the deadline has passed, and is closed at the idle timeout without a 408 that could race a pooled client's
     * next request.
     */
    @Test
    void keptAliveConnectionWaitsForTheIdleTimeoutAndIsClosedQuietly() throws Exception {
        HttpServerConfig config = config(new ConnectionLimits(Duration.ofSeconds(1), 0))
                .withIdleTimeout(Duration.ofSeconds(3));
        try (TestServer server = new TestServer(routes(), config);
             RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, raw.readResponse().status());
            raw.socket.setSoTimeout(1500); // longer than the head deadline: nothing may arrive meanwhile
            assertThrows(SocketTimeoutException.class, () -> raw.in.read());
            raw.socket.setSoTimeout(10_000);
            raw.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Reply again = raw.readResponse();
            assertEquals(200, again.status());
            assertEquals("pong", again.body());
            assertClosedQuietlyWithin(raw, 2900, 8000); // at the idle timeout
        }
    }

    /** java.net.http's pooled connection, reused after more than the head deadline, is served normally. */
    @Test
    void pooledClientReusesItsConnectionAfterTheDeadline() throws Exception {
        HttpServerConfig config = config(new ConnectionLimits(Duration.ofSeconds(1), 0));
        try (TestServer server = new TestServer(routes(), config)) {
            assertEquals(200, server.get("/ping").statusCode());
            await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = server.get("/ping");
                assertEquals(200, r.statusCode(), r.body());
            }
        }
    }

    /** Only the head is timed: a body that trickles in for longer than the deadline is read and served. */
    @Test
    void slowBodyIsNotSubjectToTheHeadDeadline() throws Exception {
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        try (TestServer server = new TestServer(routes(), config(new ConnectionLimits(Duration.ofSeconds(1), 0)));
             RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n");
            for (int i = 0; i < 3; i++) {
                String part = Character.toString('a' + i);
                pace.schedule(() -> {
                    raw.write(part);
                    return null;
                }, 700L * (i + 1), TimeUnit.MILLISECONDS);
            }
            RawHttp.Reply reply = raw.readResponse(); // the last byte goes out 2.1 s after the head
            assertEquals(200, reply.status(), reply.body());
            assertEquals("abc", reply.body());
        } finally {
            pace.shutdownNow();
        }
    }

    /** A head cut short mid-line on a kept-alive connection is timed from its first byte. */
    @Test
    void partialHeadOnKeptAliveConnectionGets408() throws Exception {
        try (TestServer server = new TestServer(routes(), config(new ConnectionLimits(Duration.ofSeconds(1), 0)));
             RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, raw.readResponse().status());
            long start = System.nanoTime();
            raw.write("GET /ping HTTP/1.1\r\nHost: x\r\n");
            RawHttp.Reply reply = raw.readResponse();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(408, reply.status());
            assertEquals("close", reply.header("connection"));
            assertTrue(reply.body().contains("was not complete within 1 s"), reply.body());
            assertTrue(millis >= 950 && millis < 4000, "answered after " + millis + " ms");
            assertTrue(raw.closedByPeer());
        }
    }

    /** After the 101 a WebSocket is frames, not requests: one silent for longer than the deadline stays open. */
    @Test
    void upgradedWebSocketIsNotTimed() throws Exception {
        Routes routes = Routes.builder()
                .ws("/ws", r -> WebSocketAcceptance.of(null, new WebSocketListener() {
                    @Override
                    public void onText(WebSocketSession session, String text) {
                        session.sendText("echo:" + text);
                    }
                }).completed())
                .build();
        try (TestServer server = new TestServer(routes, config(new ConnectionLimits(Duration.ofSeconds(1), 0)))) {
            BlockingQueue<String> texts = new LinkedBlockingQueue<>();
            AtomicBoolean closed = new AtomicBoolean();
            WebSocket ws = server.client.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            texts.add(data.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closed.set(true);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket w, Throwable error) {
                            closed.set(true);
                        }
                    }).get(10, TimeUnit.SECONDS);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !closed.get());
            ws.sendText("still here", true).get(5, TimeUnit.SECONDS);
            assertEquals("echo:still here", texts.poll(5, TimeUnit.SECONDS));
        }
    }

    /** The port proxy's requests are timed like any other until their head is in. */
    @Test
    void proxiedRequestHeadsAreTimedToo() throws Exception {
        Routes proxying = Routes.builder().proxy("/proxy/{port}").get("/ping", r -> Responses.text(200, "pong"))
                .build();
        try (TestServer target = new TestServer(routes(), config(ConnectionLimits.none()));
             TestServer server = new TestServer(proxying, config(new ConnectionLimits(Duration.ofSeconds(1), 0)));
             RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /proxy/" + target.port() + "/ping HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Reply proxied = raw.readResponse();
            assertEquals(200, proxied.status());
            assertEquals("pong", proxied.body());
            raw.write("GET /proxy/" + target.port() + "/ping HTTP/1.1\r\nHost: x\r\n");
            assertEquals(408, raw.readResponse().status());
            assertTrue(raw.closedByPeer());
        }
    }

    /**
     * Over the per-client limit a connection is answered 503 with Retry-After at once, and closed; the WARN comes
     * once for the burst; a closed connection frees its place.
     */
    @Test
    void connectionsOverThePerClientLimitAreAnswered503() throws Exception {
        Logger limitLog = (Logger) LoggerFactory.getLogger(ClientConnectionLimit.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        limitLog.addAppender(logged);
        List<RawHttp> admitted = new ArrayList<>();
        try (TestServer server = new TestServer(routes(), config(new ConnectionLimits(Duration.ofSeconds(10), 3)))) {
            for (int i = 0; i < 3; i++) {
                RawHttp raw = new RawHttp(server.port());
                admitted.add(raw);
                raw.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(200, raw.readResponse().status());
            }
            for (int i = 0; i < 4; i++) {
                try (RawHttp over = new RawHttp(server.port())) {
                    over.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.Reply reply = over.readResponse();
                    assertEquals(503, reply.status());
                    assertEquals("5", reply.header("retry-after"));
                    assertEquals("close", reply.header("connection"));
                    assertTrue(reply.body().contains("Too many connections from 127.0.0.1: at most 3"), reply.body());
                    assertTrue(over.closedByPeer());
                }
            }
            // What an ordinary client shows: the status and the sentence.
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> refused = fresh.send(server.request("/ping").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode());
            assertTrue(refused.body().contains("at most 3 may be open at once per client address"), refused.body());
            long warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
            assertEquals(1, warnings, "one WARN for the burst: " + logged.list);

            admitted.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (RawHttp again = new RawHttp(server.port())) {
                    again.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
                    return again.readResponse().status() == 200;
                }
            });
        } finally {
            limitLog.detachAppender(logged);
            for (RawHttp raw : admitted) {
                raw.close();
            }
        }
    }

    /** The defaults are on: a 10 s head deadline and 256 connections per client. */
    @Test
    void defaultsLimitEveryServer() {
        ConnectionLimits limits = HttpServerConfig.of("127.0.0.1", 0).limits();
        assertEquals(Duration.ofSeconds(10), limits.headerTimeout());
        assertEquals(256, limits.maxPerClient());
        assertTrue(limits.headerDeadline() && limits.perClientLimit());
        assertTrue(!ConnectionLimits.none().headerDeadline() && !ConnectionLimits.none().perClientLimit());
        assertTrue(!limits.withMaxPerClient(-1).perClientLimit(), "negative = unlimited");
    }
}
