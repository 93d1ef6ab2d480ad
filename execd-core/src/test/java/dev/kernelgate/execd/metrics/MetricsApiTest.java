package dev.kernelgate.execd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.http.CodeMessageErrorRenderer;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, /metrics/watch and /metrics/prometheus over HTTP, on a cgroup v2 fixture. */
class MetricsApiTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    static MetricsService service;
    static ExecutorService blocking;
    static RunningServer server;
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        CgroupFixtures.v2(root);
        service = new MetricsService(new CgroupReader(root), System::nanoTime, System::currentTimeMillis, 4).start();
        MetricsHandler metrics = new MetricsHandler(service);
        Routes routes = Routes.builder()
                .errors(CodeMessageErrorRenderer.withFallbackCode("RUNTIME_ERROR"))
                .get("/metrics", metrics::json)
                .get("/metrics/watch", metrics::watch)
                .get("/metrics/prometheus", metrics::prometheus)
                .build();
        blocking = Executors.newFixedThreadPool(4);
        server = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), routes, blocking).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        blocking.shutdownNow();
        service.close();
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
    }

    static void assertMetrics(JsonNode m) {
        assertEquals(List.of("cpu_count", "cpu_used_pct", "mem_total_mib", "mem_used_mib", "timestamp"),
                names(m));
        assertEquals(1.5, m.get("cpu_count").asDouble());
        assertEquals(512.0, m.get("mem_total_mib").asDouble());
        assertEquals(100.0, m.get("mem_used_mib").asDouble());
        double pct = m.get("cpu_used_pct").asDouble();
        assertTrue(pct >= 0 && pct <= 100, "pct " + pct);
        long age = System.currentTimeMillis() - m.get("timestamp").asLong();
        assertTrue(age >= 0 && age < 10_000, "timestamp is recent: " + age + " ms old");
    }

    static List<String> names(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void metricsJsonHasUpstreamsFieldsAndTheCgroupLimits() throws Exception {
        HttpResponse<String> r = client.send(request("/metrics").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertMetrics(JSON.readTree(r.body()));
    }

    @Test
    void watchSendsOneJsonLinePerSecond() throws Exception {
        HttpResponse<Stream<String>> r = client.send(request("/metrics/watch").build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElseThrow());
        try (Stream<String> lines = r.body()) {
            Iterator<String> it = lines.iterator();
            JsonNode first = JSON.readTree(it.next());
            JsonNode second = JSON.readTree(it.next());
            assertMetrics(first);
            assertMetrics(second);
            assertTrue(second.get("timestamp").asLong() > first.get("timestamp").asLong());
        }
    }

    @Test
    void prometheusTextParsesWithTheSameFigures() throws Exception {
        HttpResponse<String> r = client.send(request("/metrics/prometheus").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(PrometheusText.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElseThrow());
        PrometheusParser.Exposition e = PrometheusParser.parse(r.body());
        assertEquals(1.5, e.value("execd_cpus", ""));
        assertEquals(512.0 * 1024 * 1024, e.value("execd_memory_total_bytes", ""));
        assertEquals(100.0 * 1024 * 1024, e.value("execd_memory_used_bytes", ""));
        assertEquals(1.0, e.value("execd_cgroup_memory_limited", ""));
        assertEquals(5.0, e.value("execd_cgroup_cpu_usage_seconds_total", ""));
        assertTrue(e.value("jvm_memory_used_bytes", "{area=\"heap\"}") > 0);
        assertTrue(e.value("process_open_fds", "") > 0);
        assertTrue(e.value("process_uptime_seconds", "") > 0);
        assertTrue(e.value("jvm_threads_current", "") > 0);
        assertEquals("counter", e.type("process_cpu_seconds_total"));
        assertEquals("summary", e.type("jvm_gc_collection_seconds"));
        assertTrue(e.families().contains("process_resident_memory_bytes"));
    }

    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        Path promtool = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(promtool != null,
                "promtool is not installed (Debian package 'prometheus'): `promtool check metrics` skipped");
        String text = client.send(request("/metrics/prometheus").build(), HttpResponse.BodyHandlers.ofString()).body();
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + output + "\n--- exposition ---\n" + text);
    }
}
