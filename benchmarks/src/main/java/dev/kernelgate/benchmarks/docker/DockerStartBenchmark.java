package dev.kernelgate.benchmarks.docker;

import dev.kernelgate.runtime.docker.ContainerSecurity;
import dev.kernelgate.runtime.docker.ContainerSpec;
import dev.kernelgate.runtime.docker.DistributionSource;
import dev.kernelgate.runtime.docker.DockerEngine;
import dev.kernelgate.runtime.docker.ExecdDistribution;
import dev.kernelgate.runtime.docker.ExecdClassArchive;
import dev.kernelgate.runtime.docker.ExecdDistributionBuilder;
import dev.kernelgate.runtime.docker.ExecdReadiness;
import dev.kernelgate.runtime.docker.JavaRuntimeImage;
import dev.kernelgate.runtime.docker.NetworkMode;
import dev.kernelgate.runtime.docker.SandboxContainers;
import dev.kernelgate.runtime.docker.SandboxStarter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Docker runtime start-up, split where the time goes: the engine creating and starting the container (image check,
 * create, start: runc, cgroups, mounts), then the injected execd starting (bootstrap.sh, the JVM, Netty binding)
 * until it answers {@code /ping}; one sandbox at a time, each removed before the next (removal timed apart).
 * Host networking, the server's default security settings. Run with
 * {@code java -cp ... dev.kernelgate.benchmarks.docker.DockerStartBenchmark [n] [kernelgate.jar] [image]}
 * and {@code DOCKER_HOST} set; {@code KERNELGATE_EXECD_JAVA_OPTS} is passed to the sandboxes to compare JVM flags.
 * execd's class-data-sharing archive is recorded first, as the runtime does after its first sandbox
 * ({@code KERNELGATE_BENCH_CDS=off} measures without it: delete {@code cds/execd.jsa} of the distribution too).
 */
public final class DockerStartBenchmark {
    private DockerStartBenchmark() {
    }

    /** One sandbox's phases in milliseconds. */
    record Sample(double engine, double execd, double remove) {
        double total() {
            return engine + execd;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path jar = Path.of(args.length > 1 ? args[1] : "cli/target/kernelgate.jar").toAbsolutePath();
        String image = args.length > 2 ? args[2] : "kernelgate-test/bookworm:minbase";
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        String cacheEnv = System.getenv("KERNELGATE_CACHE");
        Path cache = (cacheEnv == null ? Path.of(System.getProperty("user.home"), ".cache", "kernelgate")
                : Path.of(cacheEnv)).resolve("execd-dist");

        long built = System.nanoTime();
        ExecdDistribution distribution = new ExecdDistributionBuilder(
                new JavaRuntimeImage(Path.of(System.getProperty("java.home")), cache), cache)
                .build(DistributionSource.kernelgateJar(jar));
        System.out.printf(Locale.ROOT, "distribution %s ready in %.0f ms (cached after the first run)%n",
                distribution.directory(), (System.nanoTime() - built) / 1e6);

        Map<String, String> env = new HashMap<>();
        String javaOpts = System.getenv("KERNELGATE_EXECD_JAVA_OPTS");
        if (javaOpts != null) {
            env.put("KERNELGATE_EXECD_JAVA_OPTS", javaOpts);
        }
        HttpClient http = HttpClient.newHttpClient();
        List<Sample> samples = new ArrayList<>();
        try (DockerEngine engine = new DockerEngine(host, Duration.ofSeconds(60))) {
            SandboxContainers containers = new SandboxContainers(engine, distribution);
            // As the runtime does after its first sandbox: record execd's class-data-sharing archive, unless disabled.
            if (!"off".equals(System.getenv("KERNELGATE_BENCH_CDS"))) {
                try (ExecdClassArchive archive = new ExecdClassArchive(distribution, new SandboxStarter(containers,
                        new ExecdReadiness(containers, http, Clock.systemUTC()), Duration.ofSeconds(60)),
                        containers, ContainerSecurity.defaults())) {
                    if (!archive.exists()) {
                        long recording = System.nanoTime();
                        archive.record(image);
                        System.out.printf(Locale.ROOT, "class-data-sharing archive recorded in %.0f ms%n",
                                (System.nanoTime() - recording) / 1e6);
                    }
                }
            }
            for (int i = 0; i < n + 1; i++) {
                int port = freePort();
                ContainerSpec spec = new ContainerSpec("kernelgate-bench-" + UUID.randomUUID(), image,
                        List.of("sleep", "infinity"), env, Map.of("kernelgate.bench", "start"), NetworkMode.HOST,
                        port, 1000, 1L << 30, ContainerSecurity.defaults(), List.of());
                long start = System.nanoTime();
                String id = containers.createAndStart(spec);
                long started = System.nanoTime();
                awaitPing(http, URI.create("http://127.0.0.1:" + port + "/ping"), id, containers);
                long answered = System.nanoTime();
                containers.remove(id);
                long removed = System.nanoTime();
                Sample sample = new Sample((started - start) / 1e6, (answered - started) / 1e6,
                        (removed - answered) / 1e6);
                // The first start warms the engine and the page cache; it is shown but not counted.
                System.out.printf(Locale.ROOT, "%s engine %6.0f ms  execd %6.0f ms  create->ping %6.0f ms"
                        + "  (remove %4.0f ms)%n", i == 0 ? "warm-up" : String.format("%7d", i), sample.engine(),
                        sample.execd(), sample.total(), sample.remove());
                if (i > 0) {
                    samples.add(sample);
                }
            }
        }
        System.out.printf(Locale.ROOT, "median of %d: engine create+start %.0f ms, execd start to /ping %.0f ms, "
                        + "create->ping %.0f ms (p90 %.0f ms); remove %.0f ms%n", samples.size(),
                median(samples.stream().map(Sample::engine).toList()),
                median(samples.stream().map(Sample::execd).toList()),
                median(samples.stream().map(Sample::total).toList()),
                percentile(samples.stream().map(Sample::total).toList(), 0.9),
                median(samples.stream().map(Sample::remove).toList()));
    }

    private static void awaitPing(HttpClient http, URI ping, String id, SandboxContainers containers)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpRequest request = HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(5);
        }
        containers.remove(id);
        throw new IllegalStateException("execd in " + id + " did not answer " + ping + " within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1))));
    }
}
