package dev.kernelgate.notebooks.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.notebooks.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An embedded gateway for one scenario class plus the HTTP and WebSocket clients the scenarios use: the JDK's
 * {@link HttpClient} and {@link java.net.http.WebSocket}, the token (if any) sent as {@code Authorization: token}.
 */
final class ScenarioGateway implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** {@code last_activity} as jupyter_server's gateway client parses it ({@code %Y-%m-%dT%H:%M:%S.%fZ}). */
    static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";

    /** The kernel logs of the gateways running now, quoted when a client waits in vain (test-only registry). */
    private static final java.util.Set<Path> KERNEL_LOGS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final GatewayFixture fixture;
    private final Path kernelLog;
    private final String token;
    private final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ScenarioGateway(GatewayFixture fixture, Path kernelLog, String token, String base) {
        this.fixture = fixture;
        this.kernelLog = kernelLog;
        KERNEL_LOGS.add(kernelLog);
        this.token = token;
        this.base = base;
    }

    /** A gateway with {@code KG_*} variables and flags; requests go under {@code base} (the base_url, or "/"). */
    static ScenarioGateway start(Path dir, Map<String, String> kgEnv, String... flags) throws IOException {
        return start(dir, "/", kgEnv, flags);
    }

    static ScenarioGateway start(Path dir, String base, Map<String, String> kgEnv, String... flags)
            throws IOException {
        GatewayFixture fixture = GatewayFixture.start(dir, kgEnv, flags);
        String token = kgEnv.getOrDefault("KG_AUTH_TOKEN", "");
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return new ScenarioGateway(fixture, dir.resolve("kernels.log"), token, b);
    }

    GatewayFixture fixture() {
        return fixture;
    }

    int port() {
        return fixture.port();
    }

    /** {@code http://127.0.0.1:port} + base + path. */
    URI uri(String path) {
        return URI.create(fixture.httpUrl() + base + path);
    }

    /** A request to {@code base + path}, with the token header when the gateway has a token. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT);
        if (!token.isEmpty()) {
            b.header("Authorization", "token " + token);
        }
        return b;
    }

    /** A request to an absolute path (no base), without any token. */
    HttpRequest.Builder rawRequest(String absolutePath) {
        return HttpRequest.newBuilder(URI.create(fixture.httpUrl() + absolutePath)).timeout(TIMEOUT);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> sendForBytes(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE());
    }

    HttpResponse<String> post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> options(String path) {
        return send(request(path).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Asserts the status and returns the body as JSON. */
    static JsonNode expect(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), () -> response.request().method() + " " + response.uri()
                + " answered " + response.statusCode() + ": " + response.body());
        return json(response);
    }

    /** Starts a kernel with the given POST body and returns its model. */
    JsonNode startKernel(String body) {
        return expect(201, post("/api/kernels", body));
    }

    String startKernelId(String body) {
        return startKernel(body).path("id").asText();
    }

    void deleteKernel(String id) {
        HttpResponse<String> r = delete("/api/kernels/" + id);
        if (r.statusCode() != 204 && r.statusCode() != 404) {
            throw new AssertionError("DELETE kernel " + id + ": " + r.statusCode() + " " + r.body());
        }
    }

    JsonNode kernelModel(String id) {
        return expect(200, get("/api/kernels/" + id));
    }

    /** The channels WebSocket of a kernel, authenticated with the header (legacy protocol, a fresh session_id). */
    KernelSocket connect(String kernelId) {
        return connect(kernelId, b -> {
        }, "", List.of());
    }

    /**
     * Opens {@code /api/kernels/{id}/channels}; {@code headers} may add or (with no token) omit headers,
     * {@code query} is appended as is (e.g. {@code "?session_id=x"}), {@code subprotocols} are offered.
     */
    KernelSocket connect(String kernelId, Consumer<java.net.http.WebSocket.Builder> headers, String query,
                         List<String> subprotocols) {
        return await(connectAsync(kernelId, headers, query, subprotocols, true));
    }

    java.util.concurrent.CompletableFuture<KernelSocket> connectAsync(
            String kernelId, Consumer<java.net.http.WebSocket.Builder> headers, String query,
            List<String> subprotocols, boolean withToken) {
        URI uri = URI.create(fixture.wsUrl() + base + "/api/kernels/" + kernelId + "/channels" + query);
        java.net.http.WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (withToken && !token.isEmpty()) {
            builder.header("Authorization", "token " + token);
        }
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size())
                    .toArray(String[]::new));
        }
        headers.accept(builder);
        return KernelSocket.open(builder, uri);
    }

    /**
     * The HTTP status with which an upgrade was refused; fails if the upgrade succeeded.
     */
    int refusedUpgradeStatus(String path, Consumer<java.net.http.WebSocket.Builder> headers) {
        URI uri = URI.create(fixture.wsUrl() + path);
        java.net.http.WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.accept(builder);
        try {
            KernelSocket socket = KernelSocket.open(builder, uri).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            socket.abort();
            throw new AssertionError("the upgrade of " + path + " was accepted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            if (cause instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw new AssertionError("the upgrade of " + path + " failed without an HTTP answer", cause);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            // The gateway runs in this JVM: where its threads stand is what explains a hang.
            throw new AssertionError("no answer within " + TIMEOUT + "; threads:\n" + threadDump(), e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String threadDump() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, frames) -> {
            out.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (int i = 0; i < Math.min(frames.length, 15); i++) {
                out.append("    at ").append(frames[i]).append('\n');
            }
        });
        for (Path log : KERNEL_LOGS) {
            try {
                List<String> lines = java.nio.file.Files.readAllLines(log);
                out.append("last lines of ").append(log).append(":\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> out.append(l).append('\n'));
            } catch (IOException | RuntimeException e) {
                out.append(log).append(": ").append(e).append('\n');
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        KERNEL_LOGS.remove(kernelLog);
        fixture.close();
    }
}
