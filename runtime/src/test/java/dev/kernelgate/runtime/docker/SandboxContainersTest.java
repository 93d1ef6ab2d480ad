package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import static dev.kernelgate.runtime.docker.DockerTestSupport.RUN_LABEL;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sandbox containers on a real Docker engine, from the debootstrap image with execd injected: execd answers, runs
 * commands, moves files and Java code; pause freezes it; the confinement is what the container itself reports; and
 * nothing is left on the engine afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxContainersTest {
    private static final long MEMORY = 512L * 1024 * 1024;
    private static final long PIDS = 300;

    private final String run = UUID.randomUUID().toString();
    private DockerEngine engine;
    private SandboxContainers containers;
    private SandboxStarter starter;

    @BeforeAll
    void engineAndDistribution() {
        engine = DockerTestSupport.engine();
        containers = new SandboxContainers(engine, DockerTestSupport.distribution());
        starter = DockerTestSupport.starter(containers);
    }

    @AfterEach
    void removeWhatThisRunStarted() {
        if (containers != null) {
            DockerTestSupport.removeRun(containers, run);
        }
    }

    @AfterAll
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    private ContainerSpec spec(String image, int port) {
        return new ContainerSpec("kernelgate-test-" + UUID.randomUUID(), image, List.of("sleep", "infinity"),
                Map.of("GREETING", "hello from the sandbox env"), Map.of(RUN_LABEL, run), NetworkMode.HOST, port,
                1000, MEMORY, new ContainerSecurity(ContainerSecurity.DEFAULT_DROP_CAPABILITIES, true, "", "", PIDS),
                List.of());
    }

    /** A running sandbox whose execd answers. */
    private ExecdClient startSandbox(String[] idOut) {
        SandboxStarter.Started started = starter.start(spec(DockerTestSupport.image(), FreePort.pick()));
        idOut[0] = started.containerId();
        return new ExecdClient(started.execd());
    }

    @Test
    void sandboxRunsCommandsMovesFilesPausesResumesAndLeavesNothing() throws Exception {
        String[] id = new String[1];
        ExecdClient execd = startSandbox(id);
        assertEquals(200, execd.ping());

        ExecdClient.Result echo = execd.command("echo \"$GREETING\"; grep -c . /etc/debian_version");
        assertEquals("hello from the sandbox env1", echo.stdout(), echo.events().toString());
        assertEquals(0, echo.exitCode());
        assertEquals(3, execd.command("exit 3").exitCode());

        byte[] content = "uploaded into the container\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(200, execd.upload("/tmp/kernelgate-test/upload.txt", content));
        assertEquals("uploaded into the container", execd.command("cat /tmp/kernelgate-test/upload.txt").stdout());
        assertArrayEquals(content, execd.download("/tmp/kernelgate-test/upload.txt").body());

        containers.pause(id[0]);
        assertTrue(containers.inspect(id[0]).orElseThrow().paused());
        CompletableFuture<ExecdClient.Result> blocked = execd.commandAsync("echo thawed");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !blocked.isDone());

        containers.resume(id[0]);
        assertTrue(containers.inspect(id[0]).orElseThrow().running());
        await().atMost(Duration.ofSeconds(30)).until(blocked::isDone);
        assertEquals("thawed", blocked.get().stdout());

        containers.remove(id[0]);
        assertTrue(containers.inspect(id[0]).isEmpty());
        assertTrue(containers.findByLabel(RUN_LABEL, run).isEmpty());
        containers.remove(id[0]);   // idempotent
    }

    @Test
    void confinementIsWhatTheContainerSees() throws Exception {
        ExecdClient execd = startSandbox(new String[1]);
        String status = execd.command("cat /proc/self/status").stdout();
        assertTrue(status.contains("NoNewPrivs:\t1"), status);
        long effective = capabilities(status, "CapEff");
        long bounding = capabilities(status, "CapBnd");
        // Dropped: NET_RAW (13), SYS_ADMIN (21), SYS_PTRACE (19), MKNOD (27); kept from the default set: CHOWN (0).
        for (int dropped : new int[] {13, 19, 21, 27}) {
            assertEquals(0, bounding & (1L << dropped), "capability " + dropped + " in " + Long.toHexString(bounding));
            assertEquals(0, effective & (1L << dropped), "capability " + dropped + " in " + Long.toHexString(effective));
        }
        assertTrue((effective & 1L) != 0, "CHOWN is one of the engine's defaults: " + Long.toHexString(effective));

        assertEquals(Long.toString(PIDS), execd.command(
                "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max").stdout().strip());
        assertEquals(Long.toString(MEMORY), execd.command(
                "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes")
                .stdout().strip());
        // The distribution cannot be changed from inside.
        ExecdClient.Result write = execd.command("touch /opt/kernelgate/x");
        assertEquals(1, write.exitCode(), write.events().toString());
        assertTrue(write.stderr().contains("Read-only file system"), write.stderr());
    }

    @Test
    void bundledJavaKernelRunsCodeInTheContainer() throws Exception {
        ExecdClient execd = startSandbox(new String[1]);
        ExecdClient.Result result = execd.code("java", "System.out.println(6 * 7);");
        assertEquals("42\n", result.stdout(), result.events().toString());
        assertTrue(result.events().stream().anyMatch(e -> e.path("type").asText().equals("execution_complete")),
                result.events().toString());
    }

    private static long capabilities(String status, String field) {
        Matcher m = Pattern.compile(field + ":\\s*([0-9a-f]+)").matcher(status);
        assertTrue(m.find(), field + " missing from " + status);
        return Long.parseUnsignedLong(m.group(1), 16);
    }

    @Test
    void imageWithoutShellIsRefusedAndLeavesNothing() throws Exception {
        byte[] tar = new TinyTar().file("hello.txt", "no shell here\n").bytes();
        String image = "kernelgate-test/no-shell:latest";
        importImage(tar, image);

        SandboxException e;
        try {
            e = assertThrows(SandboxException.class, () -> starter.start(spec(image, FreePort.pick())));
        } finally {
            engine.run("remove the test image", () -> engine.client().removeImageCmd(image).withForce(true).exec());
        }
        assertEquals(DockerErrors.IMAGE_UNSUPPORTED, e.code(), e.getMessage());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("/bin/sh"), e.getMessage());
        assertTrue(containers.findByLabel(RUN_LABEL, run).isEmpty());
    }

    /**
     * {@code docker import} through the CLI: docker-java's import sends the archive in a way this engine cuts short
     * ("unexpected EOF"), and the CLI is there wherever the engine is.
     */
    private static void importImage(byte[] tar, String image) throws Exception {
        Process docker = new ProcessBuilder("docker", "import", "-", image).redirectErrorStream(true).start();
        try (var stdin = docker.getOutputStream()) {
            stdin.write(tar);
        }
        String output = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, docker.waitFor(), output);
    }

    @Test
    void missingImageIsNotFound() {
        SandboxException e = assertThrows(SandboxException.class, () -> containers.createAndStart(
                spec("kernelgate-test/never-built:none", FreePort.pick())));
        assertEquals(DockerErrors.IMAGE_NOT_FOUND, e.code());
        assertEquals(404, e.status());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void engineThatDoesNotAnswerIsAClearError() {
        try (DockerEngine absent = new DockerEngine("unix:///nonexistent/kernelgate-docker.sock",
                Duration.ofSeconds(2))) {
            SandboxException e = assertThrows(SandboxException.class, absent::version);
            assertEquals(DockerErrors.ENGINE_UNREACHABLE, e.code());
            assertEquals(503, e.status());
            assertTrue(e.getMessage().contains("unix:///nonexistent/kernelgate-docker.sock"), e.getMessage());
        }
    }
}
