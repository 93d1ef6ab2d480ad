package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with Netty's JDK provider: JSON and a file sent as chunks (the zero-copy path cannot encrypt). */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void servesJsonAndFilesOverTls() throws Exception {
        SelfSignedKeys.Pair keys = SelfSignedKeys.contexts(dir);
        SslContext tls = keys.server();
        SSLContext clientTls = keys.client();

        byte[] big = new byte[3 * 1024 * 1024 + 5];
        Arrays.fill(big, (byte) 3);
        Path file = Files.write(dir.resolve("big.bin"), big);
        Routes routes = Routes.builder()
                .get("/api", r -> Responses.json(Map.of("secure", r.isSecure())))
                .get("/big", r -> Responses.file(file))
                .build();
        ExecutorService blocking = Executors.newFixedThreadPool(2);
        try (RunningServer server = new HttpServer(HttpServerConfig.of("127.0.0.1", 0).withTls(tls), routes, blocking)
                .start()) {
            HttpClient client = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String base = "https://127.0.0.1:" + server.port();
            HttpResponse<String> api = client.send(HttpRequest.newBuilder(URI.create(base + "/api")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"secure\":true}", api.body());
            HttpResponse<byte[]> download = client.send(HttpRequest.newBuilder(URI.create(base + "/big")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, download.statusCode());
            assertEquals(big.length, download.body().length);
            HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(URI.create(base + "/big"))
                    .header("Range", "bytes=-10").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, range.statusCode());
            assertEquals(10, range.body().length);
        } finally {
            blocking.shutdownNow();
        }
    }
}
