package dev.kernelgate.runtime.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.spi.ResourceLimits;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local runtime on its own: warm children, concurrency, and reaping what a dead server left. */
class LocalRuntimeTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path state;

    @Test
    void aWarmChildServesTheNextSandboxWithItsEnvironment() throws Exception {
        try (LocalRuntime runtime = new LocalRuntime(state, LocalSettings.defaults().withWarmPoolSize(1), System.getenv())) {
            runtime.recover(); // starts the pool
            await().atMost(Duration.ofSeconds(60)).until(() -> readyChildren().size() == 1);
            Path warm = readyChildren().get(0);
            SandboxSpec spec = spec(Map.of("COLOR", "teal"));
            assertEquals(SandboxState.RUNNING, runtime.create(spec).state());
            assertTrue(Files.exists(warm.resolve(SandboxDirectory.PORT)), "the warm child took the sandbox");
            String out = post(runtime.endpoint(spec.id(), 44772), "/command", "{\"command\":\"echo $COLOR\"}");
            assertTrue(out.contains("\"text\":\"teal\""), out);
            // The pool refills behind the taken child.
            await().atMost(Duration.ofSeconds(60)).until(() -> readyChildren().size() == 1);
        }
        try (var left = Files.list(state)) {
            assertEquals(0, left.count(), "closing removes sandboxes and warm children");
        }
    }

    @Test
    void aRestartedRuntimeReapsWhatADeadServerLeftIncludingDetachedCommands() throws Exception {
        LocalRuntime crashed = new LocalRuntime(state, LocalSettings.defaults().withWarmPoolSize(0), System.getenv());
        SandboxSpec spec = spec(Map.of());
        crashed.create(spec);
        // A background command runs in a session of its own, out of reach of a process-group kill.
        post(crashed.endpoint(spec.id(), 44772), "/command", "{\"command\":\"sleep 600\",\"background\":true}");
        String prefix = state.toAbsolutePath() + "#";
        await().atMost(Duration.ofSeconds(10)).until(() -> commandLines(prefix).contains("sleep 600"));
        Set<Long> leftovers = SandboxProcesses.find(m -> m.startsWith(prefix), -1);
        // The crashed runtime is abandoned without close(), as a killed server would leave it.

        try (LocalRuntime restarted = new LocalRuntime(state, LocalSettings.defaults().withWarmPoolSize(0),
                System.getenv())) {
            assertEquals(List.of(), restarted.recover());
            assertTrue(SandboxProcesses.find(m -> m.startsWith(prefix), -1).isEmpty());
            for (long pid : leftovers) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
            }
            try (var left = Files.list(state)) {
                assertEquals(0, left.count());
            }
        }
    }

    @Test
    void pausedSandboxesStopAnsweringUntilResumed() throws Exception {
        try (LocalRuntime runtime = new LocalRuntime(state, LocalSettings.defaults().withWarmPoolSize(0), System.getenv())) {
            SandboxSpec spec = spec(Map.of());
            runtime.create(spec);
            SandboxEndpoint e = runtime.endpoint(spec.id(), 44772);
            runtime.pause(spec.id());
            assertEquals(SandboxState.PAUSED, runtime.inspect(spec.id()).orElseThrow().state());
            HttpClient impatient = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
            HttpRequest ping = HttpRequest.newBuilder(URI.create("http://" + e.endpoint().replace("/proxy/44772", "")
                    + "/ping")).timeout(Duration.ofMillis(700)).build();
            assertTrue(assertThrowsIo(() -> impatient.send(ping, HttpResponse.BodyHandlers.discarding())));
            runtime.resume(spec.id());
            assertEquals(200, ping(e));
        }
    }

    @Test
    void resourceLimitsGoIntoACgroupWhereOneIsWritable() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(CgroupLimits.detect().isPresent(), "no writable cgroup here");
        try (LocalRuntime runtime = new LocalRuntime(state, LocalSettings.defaults().withWarmPoolSize(0), System.getenv())) {
            SandboxSpec plain = spec(Map.of());
            SandboxSpec spec = new SandboxSpec(plain.id(), plain.image(), plain.entrypoint(), Map.of(), Map.of(),
                    new ResourceLimits(500, 512L << 20, 0, Map.of("cpu", "500m", "memory", "512Mi")), null, List.of(),
                    null, false, Map.of(), Instant.now(), null);
            runtime.create(spec);
            // The entrypoint was started after the child joined the cgroup, so it is in it too.
            String out = post(runtime.endpoint(spec.id(), 44772), "/command", "{\"command\":\"cat /proc/self/cgroup\"}");
            assertTrue(out.contains("kernelgate-") && out.contains(spec.id()), out);
            String memoryLine = out.lines().filter(l -> l.contains("memory") || l.startsWith("{\"type\":\"stdout\",\"text\":\"0::"))
                    .findFirst().orElse(out);
            assertTrue(memoryLine.contains(spec.id()), memoryLine);
            runtime.delete(spec.id());
            assertFalse(Files.readString(Path.of("/proc/self/cgroup")).contains(spec.id()));
        }
    }

    private static boolean assertThrowsIo(IoCall call) throws InterruptedException {
        try {
            call.run();
            return false;
        } catch (IOException expected) {
            return true;
        }
    }

    private interface IoCall {
        void run() throws IOException, InterruptedException;
    }

    private List<Path> readyChildren() throws IOException {
        try (var dirs = Files.list(state)) {
            return dirs.filter(d -> Files.exists(d.resolve(SandboxDirectory.READY))
                    && !Files.exists(d.resolve(SandboxDirectory.PORT))).toList();
        }
    }

    private static String commandLines(String prefix) {
        StringBuilder b = new StringBuilder();
        for (long pid : SandboxProcesses.find(m -> m.startsWith(prefix), -1)) {
            ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).ifPresent(c -> b.append(c).append('\n'));
        }
        return b.toString();
    }

    private static SandboxSpec spec(Map<String, String> env) {
        return new SandboxSpec(UUID.randomUUID().toString(), new SandboxSpec.ImageSpec("local", null, null),
                List.of("sleep", "600"), env, Map.of(), ResourceLimits.none(), null, List.of(), null, false,
                Map.of(), Instant.now(), null);
    }

    private static int ping(SandboxEndpoint e) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + e.endpoint() + "/ping")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String post(SandboxEndpoint e, String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + e.endpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
