package dev.kernelgate.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** WebSocket routes through java.net.http.WebSocket (and a raw socket for a peer that never pongs). */
class WebSocketTest {

    static final String V1 = "v1.kernel.websocket.jupyter.org";
    static final String KID = "{id:\\w+-\\w+-\\w+-\\w+-\\w+}";
    static final int MAX = 4096;

    static TestServer server;
    static final BlockingQueue<String> serverEvents = new LinkedBlockingQueue<>();

    /** Echoes text and binary; reports what it saw. */
    static final class Echo implements WebSocketListener {
        @Override
        public void onOpen(WebSocketSession session) {
            serverEvents.add("open " + session.request().pathParam("id") + " " + session.subprotocol());
        }

        @Override
        public void onText(WebSocketSession session, String text) {
            session.sendText("echo:" + text);
        }

        @Override
        public void onBinary(WebSocketSession session, ByteBuf data) {
            session.sendBinary(ByteBufUtil.getBytes(data));
        }

        @Override
        public void onClose(WebSocketSession session, int code, String reason) {
            serverEvents.add("close " + code);
        }
    }

    @BeforeAll
    static void start() {
        Routes routes = Routes.builder()
                .errors(new ReasonMessageErrorRenderer(false))
                .auth(TokenAuth.builder("t").build())
                .ws("/api/kernels/" + KID + "/channels", request -> {
                    if (!request.pathParam("id").startsWith("known")) {
                        throw HttpError.notFound("Kernel does not exist: " + request.pathParam("id"));
                    }
                    String chosen = request.webSocketSubprotocols().contains(V1) ? V1 : null;
                    return WebSocketAcceptance.of(chosen, new Echo()).completed();
                })
                .ws("/slow/{id}", request -> CompletableFuture.supplyAsync(
                        () -> WebSocketAcceptance.of(null, new Echo())))
                .get("/api", r -> Responses.json(java.util.Map.of("version", "1")))
                .build();
        server = new TestServer(routes, HttpServerConfig.of("127.0.0.1", 0).withWsMaxMessageBytes(MAX)
                .withWsPing(Duration.ofMillis(50), Duration.ofMillis(400)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Collects client-side events. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final AtomicInteger pings = new AtomicInteger();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add("text " + text);
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            events.add("binary " + new String(bytes, StandardCharsets.UTF_8));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            pings.incrementAndGet();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            events.add("close " + statusCode);
            return null;
        }

        String next() throws InterruptedException {
            String e = events.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no client event");
            }
            return e;
        }
    }

    private static CompletableFuture<WebSocket> connect(String path, Client listener, String... subprotocols) {
        WebSocket.Builder b = server.client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return b.buildAsync(URI.create("ws://127.0.0.1:" + server.port() + path), listener);
    }

    private static String nextServerEvent() throws InterruptedException {
        String e = serverEvents.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no server event");
        }
        return e;
    }

    @Test
    void upgradeSelectsTheOfferedSubprotocolAndEchoes() throws Exception {
        serverEvents.clear();
        Client client = new Client();
        WebSocket ws = connect("/api/kernels/known-1-2-3-4/channels?token=t", client, "other", V1).get(10, TimeUnit.SECONDS);
        assertEquals(V1, ws.getSubprotocol());
        assertEquals("open known-1-2-3-4 " + V1, nextServerEvent());

        ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
        assertEquals("text echo:hi", client.next());
        ws.sendBinary(ByteBuffer.wrap("bin".getBytes(StandardCharsets.UTF_8)), true).get(5, TimeUnit.SECONDS);
        assertEquals("binary bin", client.next());
        // Fragments are reassembled before the listener sees them.
        ws.sendText("a", false).get(5, TimeUnit.SECONDS);
        ws.sendText("b", false).get(5, TimeUnit.SECONDS);
        ws.sendText("c", true).get(5, TimeUnit.SECONDS);
        assertEquals("text echo:abc", client.next());

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        assertEquals("close 1000", client.next());
        assertEquals("close 1000", nextServerEvent());
    }

    @Test
    void noSubprotocolWhenNoneFits() throws Exception {
        serverEvents.clear();
        WebSocket ws = connect("/api/kernels/known-1-2-3-4/channels?token=t", new Client(), "chat")
                .get(10, TimeUnit.SECONDS);
        assertEquals("", ws.getSubprotocol());
        assertEquals("open known-1-2-3-4 null", nextServerEvent());
        ws.abort();
        assertEquals("close 1006", nextServerEvent());
    }

    @Test
    void rejectionHappensBeforeTheHandshake() throws Exception {
        assertEquals(404, handshakeStatus("/api/kernels/unknown-1-2-3-4/channels?token=t"));
        assertEquals(401, handshakeStatus("/api/kernels/known-1-2-3-4/channels"));
        assertEquals(404, handshakeStatus("/api/kernels/not-an-id/channels?token=t"));
        assertEquals(200, server.get("/api?token=t").statusCode());
    }

    private static int handshakeStatus(String path) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> connect(path, new Client()).get(10, TimeUnit.SECONDS));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        return handshake.getResponse().statusCode();
    }

    @Test
    void plainGetOnAWebSocketRouteIs400() throws Exception {
        assertEquals(400, server.get("/api/kernels/known-1-2-3-4/channels?token=t").statusCode());
    }

    @Test
    void asyncAcceptanceWorks() throws Exception {
        Client client = new Client();
        WebSocket ws = connect("/slow/x?token=t", client).get(10, TimeUnit.SECONDS);
        ws.sendText("later", true).get(5, TimeUnit.SECONDS);
        assertEquals("text echo:later", client.next());
        ws.abort();
    }

    @Test
    void oversizeFrameClosesWith1009() throws Exception {
        Client client = new Client();
        WebSocket ws = connect("/slow/x?token=t", client).get(10, TimeUnit.SECONDS);
        ws.sendText("x".repeat(MAX + 1), true);
        assertEquals("close 1009", client.next());
        assertEquals(200, server.get("/api?token=t").statusCode());
    }

    @Test
    void oversizeFragmentedMessageClosesWith1009() throws Exception {
        Client client = new Client();
        WebSocket ws = connect("/slow/x?token=t", client).get(10, TimeUnit.SECONDS);
        String part = "y".repeat(MAX / 2);
        ws.sendText(part, false).get(5, TimeUnit.SECONDS);
        ws.sendText(part, false).get(5, TimeUnit.SECONDS);
        ws.sendText(part, true);
        assertEquals("close 1009", client.next());
    }

    @Test
    void pongingClientsStayOpenAcrossManyPings() throws Exception {
        Client client = new Client();
        WebSocket ws = connect("/slow/x?token=t", client).get(10, TimeUnit.SECONDS);
        // 12 pings at 50 ms span longer than the 400 ms pong deadline; the JDK client pongs each one.
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pings.get() >= 12);
        ws.sendText("still here", true).get(5, TimeUnit.SECONDS);
        assertEquals("text echo:still here", client.next());
        ws.abort();
    }

    @Test
    void silentPeerIsClosedAfterThePongDeadline() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /slow/x?token=t HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            RawHttp.Reply head = raw.readHead();
            assertEquals(101, head.status());
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head.header("Sec-WebSocket-Accept"));
            // Read frames without ever answering pings: expect pings, then a close frame with 1001.
            int pings = 0;
            while (true) {
                int[] frame = readFrame(raw.in);
                if (frame[0] == 0x9) {
                    pings++;
                } else if (frame[0] == 0x8) {
                    assertEquals(1001, frame[1]);
                    break;
                }
            }
            assertTrue(pings >= 3, "pinged before giving up: " + pings);
            assertTrue(raw.closedByPeer());
        }
    }

    /** Reads one unmasked server frame: {opcode, close code or -1}. */
    private static int[] readFrame(InputStream in) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            throw new IOException("closed");
        }
        int len = b1 & 0x7f;
        if (len == 126) {
            len = (in.read() << 8) | in.read();
        }
        byte[] payload = in.readNBytes(len);
        int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        return new int[] {b0 & 0x0f, code};
    }

    @Test
    void serverKeepsServingAfterBadUpgrades() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /slow/x?token=t HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 99\r\n\r\n");
            RawHttp.Reply reply = raw.readHead();
            assertEquals(426, reply.status());
        }
        Client client = new Client();
        WebSocket ws = connect("/slow/y?token=t", client).get(10, TimeUnit.SECONDS);
        ws.sendText("ok", true).get(5, TimeUnit.SECONDS);
        assertEquals("text echo:ok", client.next());
        ws.abort();
    }
}
