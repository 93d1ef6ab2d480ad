package dev.kernelgate.notebooks.javakernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, {@code ./kernelgate execd}, on a machine with a JDK and no Python: a container of the
 * debootstrap minbase image (no python3, no Jupyter data dirs) with this checkout and a self-contained JDK mounted.
 * It must start with the bundled Java kernel, answer the README's first execute, and give a client that names no
 * kernel the Java kernel. The JDK is Temurin 25 here, so this is also the launcher, the jar and the Java kernel on
 * a current Java (the build targets 17).
 */
class RunCommandWithoutPythonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The README's first execute, verbatim. */
    private static final String README_EXECUTE =
            "{\"context\":{\"language\":\"java\"},\"code\":\"System.out.println(6*7)\"}";

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void theReadmeRunCommandServesTheJavaKernelWithoutPython() throws Exception {
        String dockerHost = System.getenv("DOCKER_HOST");
        assumeTrue(dockerHost != null && !dockerHost.isBlank(), "DOCKER_HOST is not set (scripts/test sets it)");
        String image = System.getenv().getOrDefault("KERNELGATE_TEST_IMAGE", "kernelgate-test/bookworm:minbase");
        Path repo = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isExecutable(repo.resolve("kernelgate")), "the launcher is at the repository root");
        Path jdk = selfContainedJdk();
        int port = freePort();
        String name = "kernelgate-nopython-" + UUID.randomUUID();

        docker("run", "-d", "--name", name, "--network", "host",
                "-v", repo + ":/kernelgate", "-v", jdk + ":/opt/jdk:ro", "-e", "JAVA_HOME=/opt/jdk",
                "-w", "/kernelgate", image, "./kernelgate", "execd", "--port", Integer.toString(port));
        try {
            assertNotEquals(0, docker("exec", name, "sh", "-c",
                    "command -v python3 || command -v python || ls /usr/share/jupyter /usr/local/share/jupyter")
                    .exitCode(), "the container has no Python and no Jupyter data dir");

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            await("execd answers /ping (container log: " + dir.resolve("execd.log") + ")")
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/ping")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

            HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(base + "/code"))
                    .POST(HttpRequest.BodyPublishers.ofString(README_EXECUTE)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, run.statusCode(), run.body());
            List<JsonNode> events = new ArrayList<>();
            for (String line : run.body().split("\n")) {
                if (!line.isBlank()) {
                    events.add(JSON.readTree(line));
                }
            }
            assertEquals(List.of("init", "stdout", "execution_complete"),
                    events.stream().map(e -> e.path("type").asText()).toList(), run.body());
            assertEquals("42\n", events.get(1).path("text").asText());
            HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(base + "/code"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"language\":\"java\"},"
                            + "\"code\":\"System.out.println(Runtime.version().feature())\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(version.body().contains("\"text\":\"" + jdkFeature(jdk) + "\\n\""),
                    "the kernel runs on the mounted JDK: " + version.body());

            JsonNode specs = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/kernelspecs"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("java", specs.path("default").asText(), specs.toString());
            assertEquals(List.of("java"), iterate(specs.path("kernelspecs").fieldNames()), specs.toString());

            HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + "/api/kernels"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, started.statusCode(), started.body());
            assertEquals("java", JSON.readTree(started.body()).path("name").asText(), "a start naming no kernel");
        } finally {
            Files.writeString(dir.resolve("execd.log"), docker("logs", name).output());
            docker("rm", "-f", name);
        }
    }

    /**
     * A JDK that works when mounted alone ({@code KERNELGATE_TEST_JDK}, else Temurin under /usr/lib/jvm): Debian's
     * own JDK links its configuration into /etc, which the container does not have.
     */
    private static Path selfContainedJdk() throws IOException {
        String configured = System.getenv("KERNELGATE_TEST_JDK");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            return jvms.filter(p -> p.getFileName().toString().startsWith("temurin-"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .max(Path::compareTo)
                    .orElseThrow(() -> new AssertionError("no Temurin JDK under /usr/lib/jvm (this machine kind has "
                            + "one); set KERNELGATE_TEST_JDK to a self-contained JDK"));
        }
    }

    /** The feature version in the JDK's {@code release} file ({@code JAVA_VERSION="25.0.3"} → 25). */
    private static int jdkFeature(Path jdk) throws IOException {
        try (Stream<String> lines = Files.lines(jdk.resolve("release"))) {
            String version = lines.filter(l -> l.startsWith("JAVA_VERSION=")).findFirst()
                    .orElseThrow(() -> new AssertionError("no JAVA_VERSION in " + jdk.resolve("release")));
            return Runtime.Version.parse(version.substring("JAVA_VERSION=".length()).replace("\"", "")).feature();
        }
    }

    private static List<String> iterate(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "docker " + args[0] + " finished");
        Result result = new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        if (args[0].equals("run")) {
            assertEquals(0, result.exitCode(), "docker run: " + result.output());
        }
        return result;
    }
}
