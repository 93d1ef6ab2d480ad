package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.notebooks.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kernel WebSockets opened at the same instant by Debian's python3-websocket ({@code concurrent_channels.py}), in
 * all three framings: every connection gets the replies to its own requests, none of another's, and every iopub
 * broadcast of its kernel; no connection waits forever. (A client opening while another client of the same kernel
 * was still opening used to be ended as a stale session: it then received nothing at all.)
 */
class ConcurrentChannelsTest {
    private static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "concurrent_channels.py");
    private static final String PYTHON = "/usr/bin/python3";
    private static final String TOKEN = "concurrent-secret";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static GatewayFixture gateway;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayFixture.start(dir.resolve("gateway"), Map.of("KG_AUTH_TOKEN", TOKEN));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest(name = "{0} connections at once, {1} framing, 20 rounds")
    @CsvSource({"2, legacy", "10, legacy", "50, legacy", "2, binary", "10, binary", "50, binary", "2, v1", "10, v1",
        "50, v1"})
    @Timeout(600)
    void connectionsOpenedAtOnceOnOneKernelEachGetEverything(int connections, String framing) throws Exception {
        List<String> kernels = startKernels(1);
        try {
            JsonNode totals = run(kernels, connections, 1, 20, framing);
            assertEquals(20 * connections, totals.path("replies").asInt(), totals.toString());
            assertEquals(0, totals.path("misrouted").asInt(), totals.toString());
        } finally {
            shutdown(kernels);
        }
    }

    @Test
    @Timeout(600)
    void twoHundredConnectionsOverTenKernelsFiveExecutesEach() throws Exception {
        List<String> kernels = startKernels(10);
        try {
            JsonNode totals = run(kernels, 20, 5, 1, "legacy");
            assertEquals(1000, totals.path("requests").asInt(), totals.toString());
            assertEquals(1000, totals.path("replies").asInt(), totals.toString());
            assertEquals(0, totals.path("misrouted").asInt(), totals.toString());
            assertEquals(0, totals.path("failed_connections").asInt(), totals.toString());
        } finally {
            shutdown(kernels);
        }
    }

    private static JsonNode run(List<String> kernels, int perKernel, int executes, int rounds, String framing)
            throws Exception {
        ExternalClient client = ExternalClient.run(List.of(PYTHON, SCRIPT.toAbsolutePath().toString(),
                        "--url", gateway.wsUrl(), "--token", TOKEN, "--kernels", String.join(",", kernels),
                        "--per-kernel", String.valueOf(perKernel), "--executes", String.valueOf(executes),
                        "--rounds", String.valueOf(rounds), "--framing", framing, "--timeout", "60"),
                Map.of(), dir, Duration.ofMinutes(9))
                .assertSucceeded(() -> "\nkernels log:\n" + tail(dir.resolve("gateway/kernels.log")));
        return client.step("totals");
    }

    private static List<String> startKernels(int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = call("POST", "/api/kernels", "{\"name\":\"python3\"}");
            assertEquals(201, r.statusCode(), r.body());
            ids.add(dev.kernelgate.wire.Json.MAPPER.readTree(r.body()).path("id").asText());
        }
        return ids;
    }

    private static void shutdown(List<String> kernels) throws Exception {
        for (String id : kernels) {
            call("DELETE", "/api/kernels/" + id, null);
        }
    }

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.httpUrl() + path))
                .header("Authorization", "token " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (java.io.IOException e) {
            return "(none: " + e.getMessage() + ")";
        }
    }
}
