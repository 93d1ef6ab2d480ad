package dev.kernelgate.runtime.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bootstrap.sh on the host (no engine needed), with a fake distribution: it launches $EXECD in the background and
 * the entrypoint in the foreground, forwards signals and exit codes, and refuses an image without the glibc loader.
 */
class BootstrapScriptTest {
    @TempDir
    Path dir;
    private Path home;
    private Path marker;

    @BeforeEach
    void fakeDistribution() throws IOException {
        home = dir.resolve("kernelgate");
        Files.createDirectories(home.resolve("bin"));
        marker = dir.resolve("execd-started");
        try (InputStream in = ExecdDistributionBuilder.class.getResourceAsStream("bootstrap.sh")) {
            Files.write(home.resolve("bootstrap.sh"), in.readAllBytes());
        }
        // The fake execd records the environment it was started with: EXECD_ENVS and EXECD_LOG_FILE must reach it.
        Files.writeString(home.resolve("bin/execd"), "#!/bin/sh\nprintf 'envs=%s\\nlog=%s\\n' \"$EXECD_ENVS\""
                + " \"${EXECD_LOG_FILE-unset}\" > " + marker + ".tmp && mv " + marker + ".tmp " + marker + "\n");
        Files.setPosixFilePermissions(home.resolve("bin/execd"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("distribution.env"), ExecdDistributionBuilder.distributionEnv("/"));
    }

    private Process start(Map<String, String> env, String... entrypoint) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", home.resolve("bootstrap.sh").toString()));
        command.addAll(List.of(entrypoint));
        // Output to a file, not a pipe: Process.destroy() closes its pipes, and a write after that is a SIGPIPE.
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.log").toFile());
        builder.environment().put("KERNELGATE_HOME", home.toString());
        builder.environment().put("EXECD_ENVS", dir.resolve("state/.env").toString());
        // Never the host's /var/log/execd: each test that needs the default names its own stand-in.
        builder.environment().put("EXECD_LOG_FILE", dir.resolve("var-log-execd/execd.log").toString());
        builder.environment().putAll(env);
        return builder.start();
    }

    private String output() throws IOException {
        return Files.readString(dir.resolve("output.log"), StandardCharsets.UTF_8);
    }

    private static int exit(Process process) throws InterruptedException {
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "bootstrap did not finish");
        return process.exitValue();
    }

    @Test
    void startsExecdThenRunsTheEntrypointAndKeepsItsExitCode() throws Exception {
        Process process = start(Map.of(), "sh", "-c", "echo entrypoint ran; exit 7");
        assertEquals(7, exit(process));
        assertTrue(output().contains("entrypoint ran"), output());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker) && Files.size(marker) > 0);
        assertEquals("envs=" + dir.resolve("state/.env") + "\nlog=" + dir.resolve("var-log-execd/execd.log"),
                Files.readString(marker).strip());
        assertTrue(Files.exists(dir.resolve("state/.env")), "EXECD_ENVS is created for execd to read");
        assertTrue(Files.isDirectory(dir.resolve("var-log-execd")), "the log file's directory is made for execd");
    }

    @Test
    void theLogFileDefaultsToVarLogExecdAndFallsBackToTheOutputWhereItCannotBeWritten() throws Exception {
        String script = Files.readString(home.resolve("bootstrap.sh"));
        assertTrue(script.contains("EXECD_LOG_FILE=\"${EXECD_LOG_FILE-/var/log/execd/execd.log}\""), script);

        Path blocker = Files.writeString(dir.resolve("a-file"), "");
        assertEquals(0, exit(start(Map.of("EXECD_LOG_FILE", blocker.resolve("execd.log").toString()), "true")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker));
        assertTrue(Files.readString(marker).contains("log=\n"), Files.readString(marker));
        assertTrue(output().contains("cannot write " + blocker + "; execd logs to the container's output only"),
                output());

        Files.delete(marker);
        assertEquals(0, exit(start(Map.of("EXECD_LOG_FILE", ""), "true")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker));
        assertTrue(Files.readString(marker).contains("log=\n"), "set empty, it stays off: " + Files.readString(marker));
    }

    @Test
    void dashCAndBootstrapCmdRunThroughAShell() throws Exception {
        assertEquals(4, exit(start(Map.of(), "-c", "true && exit 4")));
        assertEquals(5, exit(start(Map.of("BOOTSTRAP_CMD", "false || exit 5"), "ignored")));
    }

    @Test
    void terminationIsForwardedToTheEntrypoint() throws Exception {
        Path ready = dir.resolve("ready");
        // The entrypoint says when its handler is installed, then exits 3 on SIGTERM: that code must come out.
        Process process = start(Map.of(), "sh", "-c",
                "trap 'exit 3' TERM; touch " + ready + "; while :; do sleep 0.1; done");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
        process.destroy();   // SIGTERM to the bootstrap only
        assertEquals(3, exit(process));
    }

    @Test
    void anEntrypointStoppedByTheForwardedSignalCountsAsAStop() throws Exception {
        Path ready = dir.resolve("ready");
        Process process = start(Map.of(), "sh", "-c", "touch " + ready + "; exec sleep 60");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
        process.destroy();
        assertEquals(0, exit(process));
    }

    @Test
    void imageWithoutTheGlibcLoaderIsRefused() throws Exception {
        Files.writeString(home.resolve("distribution.env"),
                ExecdDistributionBuilder.distributionEnv("/nonexistent/ld-linux-x86-64.so.2"));
        Process process = start(Map.of(), "sh", "-c", "echo must not run");
        assertEquals(ExecdDistribution.INCOMPATIBLE_IMAGE_EXIT, exit(process));
        String output = output();
        assertTrue(output.contains("has no glibc"), output);
        assertTrue(!output.contains("must not run") && Files.notExists(marker), output);
    }
}
