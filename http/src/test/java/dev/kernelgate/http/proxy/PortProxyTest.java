package dev.kernelgate.http.proxy;

import static dev.kernelgate.http.proxy.ProxyFixture.TOKEN;
import static dev.kernelgate.http.proxy.ProxyFixture.TOKEN_HEADER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.ProxyOptions;
import dev.kernelgate.http.RawHttp;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Forwarding, headers, auth, errors, keep-alive and in-process self-proxying of {@code /proxy/{port}}. */
@Timeout(60)
class PortProxyTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static ProxyFixture fx;

    @BeforeAll
    static void start() throws IOException {
        fx = new ProxyFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return fx.client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    // ---- forwarding ----

    @Test
    void getPassesPathQueryAndHeaders() throws Exception {
        HttpResponse<String> res = send(fx.request(fx.via(fx.upstreamPort(), "/echo/a%20b/c?x=1&y=two%20words&x=3"))
                .header("X-Custom", "kept").GET().build());
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("yes", res.headers().firstValue("X-Upstream").orElse(null), "upstream headers come back");
        JsonNode echo = json(res.body());
        assertEquals("GET", echo.get("method").asText());
        assertEquals("/echo/a%20b/c?x=1&y=two%20words&x=3", echo.get("uri").asText(), "path and query as sent");
        JsonNode h = echo.get("headers");
        assertEquals("127.0.0.1:" + fx.upstreamPort(), h.get("host").asText(), "Host rewritten to the target");
        assertEquals("127.0.0.1", h.get("x-forwarded-for").asText());
        assertEquals("http", h.get("x-forwarded-proto").asText());
        assertEquals("kept", h.get("x-custom").asText());
        assertEquals(TOKEN, h.get("x-execd-access-token").asText(), "end-to-end headers are kept");
        assertTrue(res.headers().firstValue("Content-Length").isPresent(), "a sized answer keeps its length");
    }

    @Test
    void postPutDeleteCarryTheirBodies() throws Exception {
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
            HttpResponse<String> res = send(fx.request(fx.via(fx.upstreamPort(), "/echo?m=" + method))
                    .method(method, HttpRequest.BodyPublishers.ofString("body of " + method)).build());
            assertEquals(200, res.statusCode(), res.body());
            JsonNode echo = json(res.body());
            assertEquals(method, echo.get("method").asText());
            assertEquals("body of " + method, echo.get("body").asText());
            assertEquals("/echo?m=" + method, echo.get("uri").asText());
        }
    }

    @Test
    void hopByHopHeadersAreDroppedAndForwardingHeadersSet() throws Exception {
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("GET /proxy/" + fx.upstreamPort() + "/echo HTTP/1.1\r\n"
                    + "Host: outside.example:8080\r\n"
                    + TOKEN_HEADER + ": " + TOKEN + "\r\n"
                    + "Connection: keep-alive, X-Hop\r\n"
                    + "X-Hop: 1\r\n"
                    + "Keep-Alive: timeout=5\r\n"
                    + "Proxy-Authorization: Basic eDp5\r\n"
                    + "X-Forwarded-Host: evil.example\r\n"
                    + "X-Forwarded-For: 10.1.2.3\r\n"
                    + "X-End-To-End: yes\r\n\r\n");
            RawHttp.Reply reply = raw.readResponse(false);
            assertEquals(200, reply.status(), reply.body());
            JsonNode h = json(reply.body()).get("headers");
            assertNull(h.get("x-hop"), "headers named by Connection are hop-by-hop");
            assertNull(h.get("keep-alive"));
            assertNull(h.get("proxy-authorization"));
            assertNull(h.get("x-forwarded-host"), "X-Forwarded-Host is removed");
            assertEquals("10.1.2.3, 127.0.0.1", h.get("x-forwarded-for").asText(), "the client address is appended");
            assertEquals("127.0.0.1:" + fx.upstreamPort(), h.get("host").asText());
            assertEquals("yes", h.get("x-end-to-end").asText());
            assertNull(reply.header("keep-alive"));
        }
    }

    @Test
    void chunkedRequestBodyIsForwardedChunked() throws Exception {
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("POST /proxy/" + fx.upstreamPort() + "/echo HTTP/1.1\r\nHost: x\r\n"
                    + TOKEN_HEADER + ": " + TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            RawHttp.Reply reply = raw.readResponse(false);
            assertEquals(200, reply.status(), reply.body());
            JsonNode echo = json(reply.body());
            assertEquals("hello world", echo.get("body").asText());
            assertEquals("chunked", echo.get("headers").get("transfer-encoding").asText());
        }
    }

    @Test
    void expectContinueIsAnsweredOnceTheTargetIsConnected() throws Exception {
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("POST /proxy/" + fx.upstreamPort() + "/echo HTTP/1.1\r\nHost: x\r\n"
                    + TOKEN_HEADER + ": " + TOKEN + "\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, raw.readHead().status());
            raw.write("data");
            RawHttp.Reply reply = raw.readResponse(false);
            assertEquals(200, reply.status());
            JsonNode echo = json(reply.body());
            assertEquals("data", echo.get("body").asText());
            assertNull(echo.get("headers").get("expect"), "the expectation was met here");
        }
    }

    @Test
    void headAnswersWithoutBodyAndTheConnectionGoesOn() throws Exception {
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("HEAD /proxy/" + fx.upstreamPort() + "/echo HTTP/1.1\r\nHost: x\r\n"
                    + TOKEN_HEADER + ": " + TOKEN + "\r\n\r\n");
            RawHttp.Reply head = raw.readResponse(true);
            assertEquals(200, head.status());
            assertNotNull(head.header("content-length"));
            assertEquals(200, raw.get("/ping", TOKEN).status());
        }
    }

    @Test
    void bareProxyPortPathGoesToTheTargetRoot() throws Exception {
        HttpResponse<String> res = send(fx.request(fx.via(fx.upstreamPort(), "")).GET().build());
        assertEquals(404, res.statusCode());
        assertEquals("UPSTREAM", json(res.body()).get("code").asText(), "the target's own 404");
    }

    // ---- auth ----

    @Test
    void proxiedRequestsNeedTheToken() throws Exception {
        int before = fx.upstreamRequests.get();
        URI uri = fx.via(fx.upstreamPort(), "/echo");
        HttpResponse<String> none = send(HttpRequest.newBuilder(uri).GET().build());
        assertEquals(401, none.statusCode());
        assertEquals("Unauthorized: invalid or missing header X-EXECD-ACCESS-TOKEN",
                json(none.body()).get("error").asText());
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri).header(TOKEN_HEADER, "nope")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertEquals(401, wrong.statusCode());
        assertEquals(before, fx.upstreamRequests.get(), "nothing was forwarded");

        // Also for the server's own routes, even one that is open when called directly.
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + fx.proxyPort() + "/health")).GET().build()).statusCode());
        assertEquals(401, send(HttpRequest.newBuilder(fx.via(fx.proxyPort(), "/health")).GET().build())
                .statusCode());
        assertEquals(401, send(HttpRequest.newBuilder(fx.via(fx.aliasPort, "/ping")).GET().build()).statusCode());
        assertEquals(200, send(fx.request(fx.via(fx.proxyPort(), "/health")).GET().build()).statusCode());
    }

    @Test
    void refusedUploadKeepsTheConnectionUsable() throws Exception {
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            String body = "x".repeat(200_000);
            raw.write("POST /proxy/" + fx.upstreamPort() + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body);
            assertEquals(401, raw.readResponse(false).status());
            assertEquals(200, raw.get("/ping", TOKEN).status());
        }
    }

    // ---- errors ----

    @Test
    void missingOrInvalidPortIs400() throws Exception {
        for (String bad : new String[] {"/proxy//echo", "/proxy/", "/proxy/abc/echo", "/proxy/0/x", "/proxy/65536/x",
                "/proxy/-1/x", "/proxy/80x"}) {
            HttpResponse<String> res = send(fx.request(URI.create("http://127.0.0.1:" + fx.proxyPort() + bad))
                    .GET().build());
            assertEquals(400, res.statusCode(), bad);
            JsonNode error = json(res.body());
            assertTrue(error.get("message").asText().startsWith("port is required"), bad + ": " + res.body());
            assertEquals("RUNTIME_ERROR", error.get("code").asText(), "the face's error format");
        }
        assertEquals(200, send(fx.request(URI.create("http://127.0.0.1:" + fx.proxyPort() + "/ping")).GET().build())
                .statusCode());
    }

    @Test
    void nothingListeningIs502WithNet004() throws Exception {
        int dead = ProxyFixture.freePort();
        HttpResponse<String> res = send(fx.request(fx.via(dead, "/anything?q=1")).GET().build());
        assertEquals(502, res.statusCode());
        assertEquals("NET_004: nothing answers on 127.0.0.1:" + dead, json(res.body()).get("message").asText());
        HttpResponse<String> post = send(fx.request(fx.via(dead, "/x"))
                .POST(HttpRequest.BodyPublishers.ofString("y".repeat(100_000))).build());
        assertEquals(502, post.statusCode());
    }

    @Test
    void anAnswerBeforeTheBodyEndsReadsTheRestBeforeClosing() throws Exception {
        int dead = ProxyFixture.freePort();
        int bodyBytes = 8 * 1024 * 1024; // far more than the socket buffers hold
        try (Socket client = new Socket("127.0.0.1", fx.proxyPort())) {
            client.setSoTimeout(30_000);
            OutputStream out = client.getOutputStream();
            out.write(("POST /proxy/" + dead + "/x HTTP/1.1\r\nHost: 127.0.0.1\r\n" + TOKEN_HEADER + ": " + TOKEN
                    + "\r\nContent-Length: " + bodyBytes + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = client.getInputStream();
            // The 502 comes before any of the body; the connection must stay readable until the body is through,
            // or the writes below are reset and the answer may be lost with them.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> in.available() > 0);
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < bodyBytes; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // until the server closes
            assertTrue(response.startsWith("HTTP/1.1 502"), response);
            assertTrue(response.contains("NET_004: nothing answers on 127.0.0.1:" + dead), response);
        }
    }

    @Test
    void targetThatHangsUpIs502WithNet004() throws Exception {
        try (ServerSocket rude = new ServerSocket()) {
            rude.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        try (Socket s = rude.accept()) {
                            s.getInputStream().read(); // take the request's first byte, then hang up
                        }
                    }
                } catch (IOException e) {
                    // closed by the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpResponse<String> res = send(fx.request(fx.via(rude.getLocalPort(), "/x")).GET().build());
            assertEquals(502, res.statusCode());
            String message = json(res.body()).get("message").asText();
            assertTrue(message.startsWith("NET_004: 127.0.0.1:" + rude.getLocalPort() + " closed the connection"),
                    message);
        }
    }

    @Test
    void targetDyingMidResponseCutsTheClientConnection() throws Exception {
        try (ServerSocket dying = new ServerSocket()) {
            dying.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread target = new Thread(() -> {
                try (Socket s = dying.accept()) {
                    s.getInputStream().read();
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    // closed by the test
                }
            });
            target.setDaemon(true);
            target.start();
            try (RawHttp raw = new RawHttp(fx.proxyPort())) {
                raw.write("GET /proxy/" + dying.getLocalPort() + "/x HTTP/1.1\r\nHost: x\r\n" + TOKEN_HEADER + ": "
                        + TOKEN + "\r\n\r\n");
                RawHttp.Reply head = raw.readHead();
                assertEquals(200, head.status());
                assertEquals("100", head.header("content-length"));
                byte[] rest = raw.in.readAllBytes(); // ends when the proxy hangs up
                assertTrue(rest.length < 100, "the client sees a truncated body, not a complete one");
            }
        }
        assertEquals(200, send(fx.request(URI.create("http://127.0.0.1:" + fx.proxyPort() + "/ping")).GET().build())
                .statusCode());
    }

    @Test
    void serverKeepsServingTheSameConnectionAfterEachError() throws Exception {
        int dead = ProxyFixture.freePort();
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            assertEquals(400, raw.get("/proxy/nope/x", TOKEN).status());
            assertEquals(200, raw.get("/ping", TOKEN).status());
            assertEquals(502, raw.get("/proxy/" + dead + "/x", TOKEN).status());
            assertEquals(200, raw.get("/ping", TOKEN).status());
            assertEquals(401, raw.get("/proxy/" + fx.upstreamPort() + "/echo", null).status());
            assertEquals(200, raw.get("/proxy/" + fx.upstreamPort() + "/echo", TOKEN).status());
            assertEquals(404, raw.get("/proxy/" + fx.proxyPort() + "/nothing-here", TOKEN).status());
            assertEquals(200, raw.get("/proxy/" + fx.proxyPort() + "/ping", TOKEN).status());
            assertFalse(raw.socket.isClosed());
        }
    }

    // ---- keep-alive and ordering ----

    @Test
    void pipelinedMixOfProxiedAndLocalRequestsAnswersInOrder() throws Exception {
        String auth = TOKEN_HEADER + ": " + TOKEN + "\r\n";
        String up = "/proxy/" + fx.upstreamPort();
        String self = "/proxy/" + fx.proxyPort();
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("GET /ping HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
                    + "GET " + up + "/echo?i=1 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
                    + "POST " + up + "/echo?i=2 HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 3\r\n\r\nabc"
                    + "GET " + self + "/whoami HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
                    + "GET /ping HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
                    + "GET " + up + "/echo?i=3 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
            assertEquals("pong", raw.readResponse(false).body());
            assertEquals("/echo?i=1", json(raw.readResponse(false).body()).get("uri").asText());
            JsonNode second = json(raw.readResponse(false).body());
            assertEquals("/echo?i=2", second.get("uri").asText());
            assertEquals("abc", second.get("body").asText());
            assertEquals("/whoami", json(raw.readResponse(false).body()).get("uri").asText());
            assertEquals("pong", raw.readResponse(false).body());
            assertEquals("/echo?i=3", json(raw.readResponse(false).body()).get("uri").asText());
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("GET /proxy/" + fx.upstreamPort() + "/echo HTTP/1.1\r\nHost: x\r\n" + TOKEN_HEADER + ": " + TOKEN
                    + "\r\nConnection: close\r\n\r\n");
            RawHttp.Reply reply = raw.readResponse(false);
            assertEquals(200, reply.status());
            assertEquals("close", reply.header("connection"));
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void http10ClientGetsABodyItCanRead() throws Exception {
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("GET /proxy/" + fx.upstreamPort() + "/download?size=1000 HTTP/1.0\r\n" + TOKEN_HEADER + ": "
                    + TOKEN + "\r\n\r\n");
            RawHttp.Reply head = raw.readHead();
            assertEquals(200, head.status());
            assertNull(head.header("transfer-encoding"), "no chunking for HTTP/1.0");
            byte[] body = raw.in.readAllBytes(); // ends with the connection
            assertEquals(1000, body.length);
            for (int i = 0; i < body.length; i++) {
                assertEquals(ProxyFixture.pattern(i), body[i]);
            }
        }
    }

    // ---- in-process self-proxy ----

    @Test
    void ownPortIsServedInProcessWithoutASecondConnection() throws Exception {
        for (int port : new int[] {fx.proxyPort(), fx.aliasPort}) {
            try (RawHttp raw = new RawHttp(fx.proxyPort())) {
                RawHttp.Reply reply = raw.get("/proxy/" + port + "/whoami?a=b", TOKEN);
                assertEquals(200, reply.status(), reply.body());
                JsonNode who = json(reply.body());
                assertEquals(raw.localPort(), who.get("remotePort").asInt(),
                        "the route saw the client's own connection: no loopback hop");
                assertEquals("/proxy/" + port, who.get("prefix").asText());
                assertEquals("/whoami?a=b", who.get("uri").asText());
                assertEquals("127.0.0.1", who.get("forwardedFor").asText());
                // The same connection goes on with ordinary requests.
                assertEquals("pong", raw.get("/ping", TOKEN).body());
            }
        }
    }

    @Test
    void nestedProxyPathsResolveLikeRealHops() throws Exception {
        HttpResponse<String> res = send(fx.request(fx.via(fx.aliasPort,
                "/proxy/" + fx.proxyPort() + "/proxy/" + fx.upstreamPort() + "/echo?deep=1")).GET().build());
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("/echo?deep=1", json(res.body()).get("uri").asText());
    }

    @Test
    void selfProxiedEventStreamArrivesIncrementally() throws Exception {
        fx.selfEventsRelease = new CompletableFuture<>();
        HttpResponse<Stream<String>> res = fx.client.send(fx.request(fx.via(fx.aliasPort, "/events")).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, res.statusCode());
        assertEquals("text/event-stream", res.headers().firstValue("Content-Type").orElse(""));
        Iterator<String> lines = res.body().filter(l -> !l.isEmpty()).iterator();
        assertEquals("{\"self\":1}", lines.next());
        assertFalse(fx.selfEventsRelease.isDone(), "first event seen while the stream is still open");
        fx.selfEventsRelease.complete(null);
        assertEquals("{\"self\":2}", lines.next());
        assertFalse(lines.hasNext());
    }

    @Test
    void selfProxiedStreamingUploadReachesTheStreamingRoute() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        HttpResponse<String> res = send(fx.request(fx.via(fx.proxyPort(), "/sum"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(Integer.toString(body.length), res.body());
    }

    @Test
    void selfProxyCanBeSwitchedToLoopback() throws Exception {
        // With in-process dispatch off, the own port is reached over TCP like any other: a second connection.
        Routes routes = Routes.builder()
                .proxy("/p/{port}", ProxyOptions.defaults().inProcessSelf(false))
                .get("/who", r -> Responses.text(200,
                        Integer.toString(((InetSocketAddress) r.remoteAddress()).getPort())))
                .build();
        try (RunningServer server = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), routes, fx.blocking).start();
             RawHttp raw = new RawHttp(server.port())) {
            RawHttp.Reply reply = raw.get("/p/" + server.port() + "/who", null);
            assertEquals(200, reply.status());
            assertTrue(Integer.parseInt(reply.body()) != raw.localPort(), "came over a loopback connection");
        }
    }

    @Test
    void routeTableDescribesTheProxy() {
        Routes routes = Routes.builder().proxy("/proxy/{port}").get("/a", r -> null).build();
        assertEquals("PROXY /proxy/{port}/{rest}", routes.describe().get(0));
    }
}
