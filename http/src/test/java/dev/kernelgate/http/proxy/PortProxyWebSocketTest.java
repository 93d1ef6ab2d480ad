package dev.kernelgate.http.proxy;

import static dev.kernelgate.http.proxy.ProxyFixture.TOKEN;
import static dev.kernelgate.http.proxy.ProxyFixture.TOKEN_HEADER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WebSocket upgrades through the proxy: to another server (byte tunnel) and to the server itself (in-process). */
@Timeout(60)
class PortProxyWebSocketTest {

    static ProxyFixture fx;

    @BeforeAll
    static void start() throws IOException {
        fx = new ProxyFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** Collects whole messages: String for text, byte[] for binary, Integer for the close code. */
    static final class Collector implements WebSocket.Listener {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                received.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            received.add(statusCode);
            return null;
        }

        Object next() throws InterruptedException {
            Object o = received.poll(20, TimeUnit.SECONDS);
            if (o == null) {
                throw new AssertionError("no WebSocket message in time");
            }
            return o;
        }
    }

    static URI ws(int port, String rest) {
        return URI.create("ws://127.0.0.1:" + fx.proxyPort() + "/proxy/" + port + rest);
    }

    WebSocket open(URI uri, Collector collector, String token) throws Exception {
        WebSocket.Builder b = fx.client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header(TOKEN_HEADER, token);
        }
        return b.buildAsync(uri, collector).get(20, TimeUnit.SECONDS);
    }

    void echoRoundTrip(int port, String expectedPrefix) throws Exception {
        Collector c = new Collector();
        WebSocket socket = open(ws(port, "/ws"), c, TOKEN);
        socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertEquals(expectedPrefix + "hello", c.next());
        byte[] big = new byte[1024 * 1024 + 3];
        new Random(7).nextBytes(big);
        socket.sendBinary(ByteBuffer.wrap(big), true).get(10, TimeUnit.SECONDS);
        assertArrayEquals(big, (byte[]) c.next());
        for (int i = 0; i < 50; i++) {
            socket.sendText("m" + i, true).get(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(expectedPrefix + "m" + i, c.next());
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, c.next());
    }

    @Test
    void echoThroughTheProxyToAnotherServer() throws Exception {
        echoRoundTrip(fx.upstreamPort(), "up:");
        assertPingStillAnswers();
    }

    @Test
    void echoThroughTheProxyToItself() throws Exception {
        echoRoundTrip(fx.proxyPort(), "self:");
        echoRoundTrip(fx.aliasPort, "self:");
        assertPingStillAnswers();
    }

    @Test
    void upgradeNeedsTheToken() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> open(ws(fx.upstreamPort(), "/ws"), new Collector(), null));
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(401, refused.getResponse().statusCode());
    }

    @Test
    void upgradeToNothingIs502() throws Exception {
        int dead = ProxyFixture.freePort();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> open(ws(dead, "/ws"), new Collector(), TOKEN));
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(502, refused.getResponse().statusCode());
        assertPingStillAnswers();
    }

    @Test
    void targetRefusingTheUpgradeAnswersPlainHttp() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> open(ws(fx.upstreamPort(), "/no-such-ws"), new Collector(), TOKEN));
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(404, refused.getResponse().statusCode());
    }

    void assertPingStillAnswers() throws Exception {
        URI ping = URI.create("http://127.0.0.1:" + fx.proxyPort() + "/ping");
        HttpResponse<String> res = fx.client.send(fx.request(ping).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("pong", res.body());
    }
}
