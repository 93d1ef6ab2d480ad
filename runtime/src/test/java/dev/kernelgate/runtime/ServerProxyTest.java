package dev.kernelgate.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.runtime.config.ServerConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server proxy, {@code /sandboxes/{id}/proxy/{port}/...}, over the local runtime: execd's own port and an HTTP
 * server started inside the sandbox (streaming both ways, a WebSocket), endpoints in proxy form, the API key, and
 * the error answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerProxyTest {
    private static final Path ECHO_SERVER = Path.of("src", "test", "resources", "proxy", "echo_server.py");

    @TempDir
    Path state;
    private LifecycleServer.Running server;
    private ApiClient api;
    private String id;
    private int appPort;

    @BeforeAll
    void start() throws IOException {
        server = TestServers.start(state);
        api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        ApiClient.Reply created = api.post("/v1/sandboxes", ApiClient.createBody(null, null));
        assertEquals(202, created.status(), created.raw().body());
        id = created.body().path("id").asText();
        appPort = freePort();
        ApiClient.Reply started = execd().post("/command", "{\"command\":\"exec python3 "
                + ECHO_SERVER.toAbsolutePath() + " " + appPort + "\",\"background\":true}");
        assertEquals(200, started.status(), started.raw().body());
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get(proxy(appPort) + "/hello").status() == 200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String proxy(int port) {
        return "/sandboxes/" + id + "/proxy/" + port;
    }

    /** execd of the sandbox, through the endpoint the server hands out in proxy form. */
    private ApiClient execd() {
        ApiClient.Reply endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/44772?use_server_proxy=true");
        assertEquals(200, endpoint.status(), endpoint.raw().body());
        return new ApiClient("http://" + endpoint.body().path("endpoint").asText(), TestServers.API_KEY);
    }

    @Test
    void endpointsAreInProxyFormWhenAskedFor() {
        String expected = "127.0.0.1:" + server.port() + "/sandboxes/" + id + "/proxy/44772";
        for (String flag : new String[] {"true", "True", "1"}) {
            ApiClient.Reply reply = api.get("/v1/sandboxes/" + id + "/endpoints/44772?use_server_proxy=" + flag);
            assertEquals(expected, reply.body().path("endpoint").asText(), flag);
        }
        assertEquals(expected.replace("44772", "8080"),
                api.get("/sandboxes/" + id + "/endpoints/8080?use_server_proxy=true").body().path("endpoint").asText());
        String direct = api.get("/v1/sandboxes/" + id + "/endpoints/44772?use_server_proxy=false").body()
                .path("endpoint").asText();
        assertTrue(direct.matches("127\\.0\\.0\\.1:\\d+/proxy/44772"), direct);
        assertEquals(404, api.get("/v1/sandboxes/nope/endpoints/44772?use_server_proxy=true").status());
    }

    @Test
    void eipNamesTheServerInProxyEndpoints(@TempDir Path otherState) {
        ServerConfig config = TestServers.config(otherState);
        try (LifecycleServer.Running other = TestServers.start(config.withServer(
                config.server().withEip("https://sandboxes.example.com/")))) {
            ApiClient otherApi = new ApiClient(other.baseUrl(), TestServers.API_KEY);
            String sandbox = otherApi.post("/v1/sandboxes", ApiClient.createBody(null, null)).body().path("id")
                    .asText();
            assertEquals("sandboxes.example.com/sandboxes/" + sandbox + "/proxy/8080", otherApi.get("/v1/sandboxes/"
                    + sandbox + "/endpoints/8080?use_server_proxy=true").body().path("endpoint").asText());
        }
    }

    @Test
    void execdRunsCommandsThroughTheProxy() {
        ApiClient execd = execd();
        assertEquals(200, execd.get("/ping").status());
        ApiClient.Reply run = execd.post("/command", "{\"command\":\"echo through-the-server\"}");
        assertEquals(200, run.status(), run.raw().body());
        assertTrue(run.raw().body().contains("\"text\":\"through-the-server\""), run.raw().body());
        // The v1 mount proxies too.
        assertEquals(200, api.get("/v1" + proxy(44772) + "/ping").status());
    }

    @Test
    void requestsArriveWithPathQueryAndForwardingHeadersButNoCredentials() {
        ApiClient.Reply reply = api.send("GET", proxy(appPort) + "/deep/hello?x=1&y=a%20b", null,
                "Cookie", "session=secret", "Authorization", "Bearer secret", "X-Custom", "kept");
        assertEquals(200, reply.status(), reply.raw().body());
        JsonNode seen = reply.body();
        assertEquals("/deep/hello", seen.path("path").asText());
        assertEquals("x=1&y=a%20b", seen.path("query").asText());
        JsonNode headers = seen.path("headers");
        assertEquals("kept", headers.path("x-custom").asText());
        assertEquals("127.0.0.1:" + appPort, headers.path("host").asText());
        assertEquals("127.0.0.1:" + server.port(), headers.path("x-forwarded-host").asText());
        assertEquals("http", headers.path("x-forwarded-proto").asText());
        assertEquals("127.0.0.1", headers.path("x-forwarded-for").asText());
        for (String dropped : new String[] {"open-sandbox-api-key", "cookie", "authorization"}) {
            assertTrue(headers.path(dropped).isMissingNode(), dropped + " reached the sandbox: " + headers);
        }
    }

    @Test
    void bodiesStreamBothWays() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(("POST " + proxy(appPort) + "/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + LifecycleRoutes.API_KEY_HEADER + ": " + TestServers.API_KEY + "\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(chunk("first part"));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", line(in));
            String header;
            boolean chunked = false;
            while (!(header = line(in)).isEmpty()) {
                chunked |= header.equalsIgnoreCase("transfer-encoding: chunked");
            }
            assertTrue(chunked);
            // The echo of the first part comes back while the request body is still open: streaming both ways.
            assertEquals("first part", readChunks(in, "first part".length()));
            out.write(chunk("second part"));
            out.flush();
            assertEquals("second part", readChunks(in, "second part".length()));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("0", line(in));
            assertEquals("", line(in));
        }
    }

    @Test
    void webSocketUpgradesAreTunnelled() throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                echoed.complete(data.toString());
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }
        };
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header(LifecycleRoutes.API_KEY_HEADER, TestServers.API_KEY)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + proxy(appPort) + "/ws"), listener)
                .get(20, TimeUnit.SECONDS);
        ws.sendText("hello sandbox", true).get(10, TimeUnit.SECONDS);
        assertEquals("echo: hello sandbox", echoed.get(10, TimeUnit.SECONDS));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void badRequestsGetTheLifecycleErrorBodyAndTheServerKeepsServing() throws IOException {
        ApiClient anonymous = new ApiClient(server.baseUrl(), null);
        ApiClient.Reply missing = anonymous.get(proxy(44772) + "/ping");
        assertEquals(401, missing.status());
        assertEquals(ErrorCodes.MISSING_API_KEY, missing.body().path("code").asText());
        ApiClient.Reply wrong = new ApiClient(server.baseUrl(), "not-the-key").get("/v1" + proxy(44772) + "/ping");
        assertEquals(401, wrong.status());
        assertEquals(ErrorCodes.INVALID_API_KEY, wrong.body().path("code").asText());

        ApiClient.Reply unknown = api.get("/sandboxes/no-such-sandbox/proxy/44772/ping");
        assertEquals(404, unknown.status());
        assertEquals("LOCAL::SANDBOX_NOT_FOUND", unknown.body().path("code").asText());

        for (String port : new String[] {"abc", "0", "65536", ""}) {
            ApiClient.Reply bad = api.get("/sandboxes/" + id + "/proxy/" + port + "/ping");
            assertEquals(400, bad.status(), port);
            assertTrue(bad.body().path("message").asText().contains("port"), bad.raw().body());
        }

        int closedPort = freePort();
        ApiClient.Reply unreachable = api.get(proxy(closedPort) + "/x");
        assertEquals(502, unreachable.status());
        String message = unreachable.body().path("message").asText();
        assertTrue(message.contains("nothing answers on sandbox " + id + " port " + closedPort), message);

        assertEquals(200, api.get("/health").status());
        assertEquals(200, api.get(proxy(appPort) + "/hello").status());
    }

    @Test
    void aPausedSandboxIsNotProxiedAndADeletedOneIsGone() {
        String other = api.post("/v1/sandboxes", ApiClient.createBody(null, null)).body().path("id").asText();
        String base = "/sandboxes/" + other + "/proxy/44772";
        assertEquals(200, api.get(base + "/ping").status());
        assertEquals(202, api.post("/sandboxes/" + other + "/pause", null).status());
        ApiClient.Reply paused = api.get(base + "/ping");
        assertEquals(502, paused.status());
        assertEquals("LOCAL::SANDBOX_NOT_REACHABLE", paused.body().path("code").asText());
        assertTrue(paused.body().path("message").asText().contains("Paused"), paused.raw().body());
        assertEquals(202, api.post("/sandboxes/" + other + "/resume", null).status());
        assertEquals(200, api.get(base + "/ping").status());
        assertEquals(204, api.delete("/sandboxes/" + other).status());
        ApiClient.Reply gone = api.get(base + "/ping");
        assertEquals(404, gone.status());
        assertFalse(gone.body().path("message").asText().isEmpty());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static byte[] chunk(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return (Integer.toHexString(bytes.length) + "\r\n" + data + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Chunks of a chunked body until {@code length} bytes came (the relay may cut them differently). */
    private static String readChunks(InputStream in, int length) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < length) {
            int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
            assertTrue(size > 0, "the body ended early");
            got.write(in.readNBytes(size));
            assertEquals("", line(in));
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
