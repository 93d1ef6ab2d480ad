package dev.kernelgate.http.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.http.CodeMessageErrorRenderer;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.ProxyOptions;
import dev.kernelgate.http.ProxyTarget;
import dev.kernelgate.http.RawHttp;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import dev.kernelgate.http.TokenAuth;
import dev.kernelgate.http.TokenExtractor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A port proxy whose target is resolved per request from its path parameters
 * ({@code /apps/{app}/proxy/{port}}): asynchronously, to a path under another proxy, failing with the face's error
 * body; the body of a request waits while its target is looked up; dropped and forwarded headers.
 */
@Timeout(60)
class ProxyResolverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ProxyFixture fx;
    private static RunningServer server;
    /** Targets the resolver completes later, by app name: the test completes them. */
    private static final Map<String, CompletableFuture<ProxyTarget>> pending = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        fx = new ProxyFixture();
        Routes routes = Routes.builder()
                .errors(CodeMessageErrorRenderer.withFallbackCode("APP_ERROR"))
                .auth(TokenAuth.builder("key").extractor(TokenExtractor.header("X-Key")).build())
                .proxy("/apps/{app}/proxy/{port}", ProxyOptions.defaults()
                        .resolver(ProxyResolverTest::resolve)
                        .dropHeaders("X-Key", "X-Secret")
                        .forwardHost(true)
                        .failurePrefix("")
                        .connectTimeout(Duration.ofSeconds(2)))
                .get("/ping", r -> Responses.text(200, "pong"))
                .build();
        server = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), routes, fx.blocking).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        fx.close();
    }

    private static CompletionStage<ProxyTarget> resolve(dev.kernelgate.http.Request request, int port) {
        String app = request.pathParam("app");
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", fx.upstreamPort());
        return switch (app) {
            case "direct" -> CompletableFuture.completedFuture(
                    new ProxyTarget(loopback, "", Map.of("X-App", "direct:" + port), null));
            case "nested" -> CompletableFuture.completedFuture(new ProxyTarget(
                    new InetSocketAddress("127.0.0.1", fx.proxyPort()), "/proxy/" + fx.upstreamPort(),
                    Map.of(ProxyFixture.TOKEN_HEADER, ProxyFixture.TOKEN), "the nested proxy"));
            case "closed" -> CompletableFuture.supplyAsync(() -> {
                try {
                    return new ProxyTarget(new InetSocketAddress("127.0.0.1", ProxyFixture.freePort()), "", Map.of(),
                            "app closed");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, request.blockingExecutor());
            case "a b" -> CompletableFuture.completedFuture(new ProxyTarget(loopback, "", Map.of("X-App", app), null));
            case "missing" -> CompletableFuture.failedFuture(new HttpError(404, null, "no app " + app, "NO_APP"));
            case "throws" -> throw new HttpError(409, null, "app is busy", "BUSY");
            default -> pending.computeIfAbsent(app, k -> new CompletableFuture<>());
        };
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return fx.client.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("X-Key", "key");
    }

    @Test
    void theResolverPicksTheTargetFromThePathAndItsHeadersAreAdded() throws Exception {
        HttpResponse<String> res = send(request("/apps/direct/proxy/1234/echo/x?y=1").header("X-Secret", "s")
                .header("X-Kept", "k"));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode echo = JSON.readTree(res.body());
        assertEquals("/echo/x?y=1", echo.path("uri").asText());
        JsonNode headers = echo.path("headers");
        assertEquals("direct:1234", headers.path("x-app").asText());
        assertEquals("k", headers.path("x-kept").asText());
        assertTrue(headers.path("x-key").isMissingNode(), headers.toString());
        assertTrue(headers.path("x-secret").isMissingNode(), headers.toString());
        assertEquals("127.0.0.1:" + server.port(), headers.path("x-forwarded-host").asText());
        assertEquals("127.0.0.1:" + fx.upstreamPort(), headers.path("host").asText());

        HttpResponse<String> decoded = send(request("/apps/a%20b/proxy/1/echo"));
        assertEquals("a b", JSON.readTree(decoded.body()).path("headers").path("x-app").asText());
    }

    @Test
    void aPathPrefixPutsTheRequestUnderAnotherProxy() throws Exception {
        HttpResponse<String> res = send(request("/apps/nested/proxy/9/echo?q=2"));
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("/echo?q=2", JSON.readTree(res.body()).path("uri").asText());
    }

    @Test
    void theBodyWaitsWhileTheTargetIsLookedUp() throws Exception {
        CompletableFuture<HttpResponse<String>> res = fx.client.sendAsync(request("/apps/later/proxy/80/echo")
                .POST(HttpRequest.BodyPublishers.ofString("held while resolving")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> pending.containsKey("later"));
        assertFalse(res.isDone());
        pending.get("later").complete(new ProxyTarget(new InetSocketAddress("127.0.0.1", fx.upstreamPort()), "",
                Map.of(), null));
        HttpResponse<String> done = res.get(20, TimeUnit.SECONDS);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("held while resolving", JSON.readTree(done.body()).path("body").asText());
    }

    @Test
    void aLookUpThatNeverAnswersEndsIn504AfterTheConnectTimeout() throws Exception {
        HttpResponse<String> res = send(request("/apps/never/proxy/8080/x"));
        assertEquals(504, res.statusCode(), res.body());
        assertTrue(JSON.readTree(res.body()).path("message").asText().contains("8080"), res.body());
        assertEquals(200, send(request("/ping")).statusCode(), "the server keeps serving");
    }

    @Test
    void failuresAreAnsweredInTheFacesFormatAndTheConnectionKeepsServing() throws Exception {
        HttpResponse<String> missing = send(request("/apps/missing/proxy/80/x"));
        assertEquals(404, missing.statusCode());
        assertEquals("NO_APP", JSON.readTree(missing.body()).path("code").asText());
        assertEquals("no app missing", JSON.readTree(missing.body()).path("message").asText());

        HttpResponse<String> thrown = send(request("/apps/throws/proxy/80/x")
                .POST(HttpRequest.BodyPublishers.ofString("a body nobody reads")));
        assertEquals(409, thrown.statusCode());
        assertEquals("BUSY", JSON.readTree(thrown.body()).path("code").asText());

        HttpResponse<String> closed = send(request("/apps/closed/proxy/80/x"));
        assertEquals(502, closed.statusCode());
        assertEquals("nothing answers on app closed", JSON.readTree(closed.body()).path("message").asText());

        assertEquals(400, send(request("/apps/direct/proxy/99999/x")).statusCode());
        // A failed look-up keeps the connection: the next request on it is served.
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /apps/missing/proxy/1/x HTTP/1.1\r\nHost: t\r\nX-Key: key\r\n\r\n");
            assertEquals(404, raw.readResponse().status());
            raw.write("GET /apps/direct/proxy/1/echo HTTP/1.1\r\nHost: t\r\nX-Key: key\r\n\r\n");
            assertEquals(200, raw.readResponse().status());
        }
        assertEquals(401, send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/apps/direct/proxy/1/echo"))).statusCode());
        // An empty parameter is not the template: the route table answers.
        assertEquals(404, send(request("/apps//proxy/1/echo")).statusCode());
        assertEquals("pong", send(request("/ping")).body());
    }

    @Test
    void templatesNeedALiteralStartAndEndWithThePort() {
        for (String bad : List.of("/{app}/proxy/{port}", "/apps/{port}/x", "/apps/{a}/{a}/{port}", "/apps/x{y}/{port}",
                "/apps/{app}/proxy/{port}/")) {
            assertThrows(IllegalArgumentException.class, () -> Routes.builder().proxy(bad, ProxyOptions.defaults()),
                    bad);
        }
        Routes ok = Routes.builder().proxy("/v1/apps/{app}/proxy/{port}").proxy("/apps/{app}/proxy/{port}").build();
        assertEquals(List.of("PROXY /v1/apps/{app}/proxy/{port}/{rest}", "PROXY /apps/{app}/proxy/{port}/{rest}"),
                ok.describe());
    }
}
