package dev.kernelgate.http.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.ProxyOptions;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import dev.kernelgate.http.SelfSignedKeys;
import dev.kernelgate.http.WebSocketAcceptance;
import io.netty.handler.ssl.SslContext;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A proxy served over TLS (the lifecycle server's case): plain targets behind it, HTTP and WebSocket. */
@Timeout(60)
class PortProxyTlsTest {

    @TempDir
    Path dir;

    @Test
    void proxiesOverTls() throws Exception {
        SelfSignedKeys.Pair keys = SelfSignedKeys.contexts(dir);
        SslContext tls = keys.server();
        SSLContext clientTls = keys.client();

        try (ProxyFixture fx = new ProxyFixture();
             RunningServer secure = new HttpServer(HttpServerConfig.of("127.0.0.1", 0).withTls(tls),
                     Routes.builder()
                             .proxy("/proxy/{port}", ProxyOptions.defaults())
                             .get("/who", r -> Responses.json(Map.of("secure", r.isSecure(),
                                     "proto", String.valueOf(r.header("X-Forwarded-Proto")))))
                             .ws("/ws", r -> WebSocketAcceptance.of(null, new ProxyFixture.Echo("tls:")).completed())
                             .build(), fx.blocking).start()) {
            HttpClient client = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String base = "https://127.0.0.1:" + secure.port() + "/proxy/";
            ObjectMapper json = new ObjectMapper();

            HttpResponse<String> echo = client.send(HttpRequest.newBuilder(
                    URI.create(base + fx.upstreamPort() + "/echo?x=1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, echo.statusCode(), echo.body());
            JsonNode headers = json.readTree(echo.body()).get("headers");
            assertEquals("https", headers.get("x-forwarded-proto").asText());

            long size = 5L * 1024 * 1024 + 3;
            HttpResponse<InputStream> download = client.send(HttpRequest.newBuilder(
                    URI.create(base + fx.upstreamPort() + "/download?size=" + size)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long offset = 0;
            try (InputStream in = download.body()) {
                int b;
                byte[] buf = new byte[64 * 1024];
                while ((b = in.read(buf)) > 0) {
                    for (int i = 0; i < b; i++) {
                        assertEquals(ProxyFixture.pattern(offset++), buf[i]);
                    }
                }
            }
            assertEquals(size, offset);

            HttpResponse<String> self = client.send(HttpRequest.newBuilder(
                    URI.create(base + secure.port() + "/who")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode who = json.readTree(self.body());
            assertEquals(true, who.get("secure").asBoolean(), "in-process: still the TLS connection");
            assertEquals("https", who.get("proto").asText());

            for (int port : new int[] {fx.upstreamPort(), secure.port()}) {
                PortProxyWebSocketTest.Collector c = new PortProxyWebSocketTest.Collector();
                WebSocket ws = client.newWebSocketBuilder().buildAsync(
                        URI.create("wss://127.0.0.1:" + secure.port() + "/proxy/" + port + "/ws"), c)
                        .get(20, TimeUnit.SECONDS);
                ws.sendText("hi", true).get(10, TimeUnit.SECONDS);
                assertEquals(port == secure.port() ? "tls:hi" : "up:hi", c.next());
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
                assertEquals(WebSocket.NORMAL_CLOSURE, c.next());
            }
        }
    }
}
