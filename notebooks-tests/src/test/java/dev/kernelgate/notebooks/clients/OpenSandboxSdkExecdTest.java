package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.ExecdSettings;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenSandbox JavaScript SDK, {@code @alibaba-group/opensandbox} 0.1.11 in node, against the embedded execd: its
 * execd adapters ({@code createDefaultAdapterFactory().createExecdStack}) pointed at our base URL with the access
 * token as an endpoint header, checked against the upstream SDK E2E expectations (health, metrics, commands,
 * background logs, interrupt, bash sessions, files, directories, a refused token).
 */
class OpenSandboxSdkExecdTest {
    static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "opensandbox-execd-client.js");
    private static final String TOKEN = "osb-sdk-token";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // kept for the kernel and client logs when a test fails
    Path dir;

    @Test
    @Timeout(120)
    void theOpenSandboxSdkDrivesExecd() throws Exception {
        Path nodeModules = JupyterLabServicesClientTest.NODE_MODULES;
        assertTrue(Files.exists(nodeModules.resolve("@alibaba-group/opensandbox/package.json")),
                "@alibaba-group/opensandbox is not installed: run scripts/install-test-deps "
                        + "(npm ci --prefix notebooks-tests/js)");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EXECD_ACCESS_TOKEN", TOKEN);
        ExecdConfig config = ExecdSettings.parse(env, List.of("--port=0", "--host=127.0.0.1"));
        KernelManagerConfig kernels = KernelManagerConfig.defaults(env)
                .withRuntimeDir(Files.createDirectories(dir.resolve("runtime")))
                .withKernelOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kernels.log").toFile()));
        Path work = Files.createDirectories(dir.resolve("work"));
        try (ExecdServer.Running execd = new ExecdServer(config, env, kernels).start()) {
            ExternalClient client = ExternalClient.run(List.of("node", SCRIPT.toAbsolutePath().toString()),
                    Map.of("EXECD_URL", "http://127.0.0.1:" + execd.port(), "EXECD_TOKEN", TOKEN,
                            "EXECD_WORKDIR", work.toAbsolutePath().toString(),
                            "NODE_PATH", nodeModules.toAbsolutePath().toString()),
                    dir, Duration.ofSeconds(90)).assertSucceeded();

            client.step("ping");
            assertTrue(client.step("metrics").path("cpuCount").asInt() > 0);

            JsonNode auth = client.step("auth");
            assertEquals(401, auth.path("wrong").asInt(), auth.toString());
            assertEquals(401, auth.path("missing").asInt(), auth.toString());
            assertEquals(401, auth.path("command").asInt(), auth.toString());
            assertEquals(401, auth.path("file").asInt(), auth.toString());

            JsonNode echo = client.step("run_echo");
            assertEquals("{\"init\":1,\"stdout\":1,\"execution_complete\":1}", echo.path("counts").toString());
            assertEquals("[\"Hello OpenSandbox E2E\"]", echo.path("stdout").toString());

            assertEquals("[\"a\",\"\\n\",\"b\",\"\\n\",\"\\n\",\"c\"]",
                    client.step("run_blank_lines").path("stdout").toString());
            client.step("run_cwd_envs");

            JsonNode failure = client.step("run_failure");
            assertEquals("CommandExecError", failure.path("error").path("name").asText());
            assertEquals(3, failure.path("exitCode").asInt());

            JsonNode background = client.step("background_logs");
            assertEquals("line1\nline2\nline3\nline4\nline5\nerr\n", background.path("content").asText());
            assertTrue(background.path("polls").asInt() >= 2, "logs were read in more than one piece: " + background);

            JsonNode interrupt = client.step("interrupt");
            assertTrue(interrupt.path("interrupt_ms").asLong() < 4000, interrupt.toString());
            assertEquals(500, interrupt.path("again_status").asInt(), "upstream: 500 RUNTIME_ERROR " + interrupt);
            assertEquals(500, interrupt.path("unknown_status").asInt(), "upstream: 500 RUNTIME_ERROR " + interrupt);
            assertEquals(404, client.step("unknown_status").path("status").asInt());

            JsonNode session = client.step("session");
            assertEquals("7", session.path("exit7").path("value").asText());
            assertEquals(404, session.path("delete_again").asInt(), session.toString());

            JsonNode written = client.step("write_info");
            assertEquals("{\"a.txt\":644,\"run.sh\":755,\"secret.txt\":600,\"owned.txt\":644}",
                    written.path("modes").toString());
            JsonNode read = client.step("read");
            assertEquals(416, read.path("range_416").asInt(), read.toString());
            assertEquals(404, read.path("missing").asInt(), read.toString());
            client.step("search");
            assertEquals("{\"r1.txt\":1,\"r2.txt\":0,\"r3.txt\":3}", client.step("replace").path("counts").toString());
            assertEquals(404, client.step("move").path("old_info_status").asInt());
            client.step("permissions");
            assertEquals(404, client.step("delete_files").path("info_status").asInt());
            JsonNode dirs = client.step("directories");
            assertEquals("[\"a/b\",\"a/top.txt\"]", dirs.path("shallow").toString());
            assertEquals(404, dirs.path("deleted_info_status").asInt());
        }
    }
}
