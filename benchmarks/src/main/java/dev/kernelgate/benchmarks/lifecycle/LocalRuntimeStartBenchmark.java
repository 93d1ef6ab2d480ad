package dev.kernelgate.benchmarks.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.runtime.LifecycleServer;
import dev.kernelgate.runtime.RuntimeProviders;
import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Local runtime start-up as a client sees it: from {@code POST /v1/sandboxes} to the sandbox's execd answering
 * {@code /ping} through its endpoint, one sandbox at a time (each deleted before the next). With a warm pool, each
 * create waits until a warm child is ready again (sandboxes arriving no faster than the pool refills); with pool
 * size 0 every create starts a JVM cold. Run with
 * {@code java -cp ... dev.kernelgate.benchmarks.lifecycle.LocalRuntimeStartBenchmark [n] [pool size]
 * [child java options...]}.
 */
public final class LocalRuntimeStartBenchmark {
    private static final String KEY = "bench";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalRuntimeStartBenchmark() {
    }

    /** Create→ping times in milliseconds of {@code n} sandboxes, children started with {@code javaOptions}. */
    public static List<Double> measure(int n, int poolSize, List<String> javaOptions)
            throws IOException, InterruptedException {
        Path state = Files.createTempDirectory("kg-bench-");
        ServerConfig defaults = ServerConfig.defaults();
        ServerConfig config = defaults
                .withServer(defaults.server().withListen("127.0.0.1", 0).withApiKey(KEY))
                .withLocal(new LocalSettings(state, javaOptions, 30, 0, 0, poolSize));
        HttpClient http = HttpClient.newHttpClient();
        List<Double> times = new ArrayList<>();
        try (LifecycleServer.Running server = new LifecycleServer(config, System.getenv(),
                RuntimeProviders.builtIn(), Clock.systemUTC(), Duration.ofSeconds(1)).start()) {
            String base = server.baseUrl() + "/v1/sandboxes";
            for (int i = 0; i < n; i++) {
                if (poolSize > 0) {
                    awaitWarmChild(state.resolve("local"));
                }
                long start = System.nanoTime();
                JsonNode created = call(http, "POST", base, "{\"image\":{\"uri\":\"local\"},"
                        + "\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"]}");
                String id = created.path("id").asText();
                String endpoint = call(http, "GET", base + "/" + id + "/endpoints/44772", null)
                        .path("endpoint").asText();
                URI ping = URI.create("http://" + endpoint + "/ping");
                while (!pings(http, ping)) {
                    Thread.onSpinWait();
                }
                times.add((System.nanoTime() - start) / 1e6);
                call(http, "DELETE", base + "/" + id, null);
            }
        } finally {
            deleteTree(state);
        }
        return times;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void awaitWarmChild(Path runtimeState) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (var dirs = Files.list(runtimeState)) {
                if (dirs.anyMatch(d -> Files.exists(d.resolve("pool.ready")) && !Files.exists(d.resolve("execd.port")))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new IOException("no warm child became ready within 60 s");
    }

    private static boolean pings(HttpClient http, URI ping) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(ping).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode call(HttpClient http, String method, String url, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("OPEN-SANDBOX-API-KEY", KEY)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.missingNode() : JSON.readTree(r.body());
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int pool = args.length > 1 ? Integer.parseInt(args[1]) : LocalSettings.defaults().warmPoolSize();
        List<String> options = args.length > 2 ? List.of(args).subList(2, args.length)
                : LocalSettings.DEFAULT_JAVA_OPTIONS;
        List<Double> times = measure(n, pool, options);
        System.out.printf("create -> execd /ping, %d sandboxes, warm pool %d, child options %s%n", n, pool, options);
        System.out.printf("median %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms%n", percentile(times, 0.5),
                percentile(times, 0.9), percentile(times, 0), percentile(times, 1));
        System.out.println("all: " + times.stream().map(t -> String.format("%.0f", t)).toList());
    }
}
