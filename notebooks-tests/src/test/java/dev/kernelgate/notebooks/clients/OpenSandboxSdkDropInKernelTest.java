package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * A kernel registered the way OpenSandbox's documentation does it, a flat {@code rkernel.json} in a kernelspecs
 * drop-in directory (here a temporary stand-in for {@code /etc/opensandbox/kernelspecs}, handed to execd with
 * {@code --drop-in-dir}), picked by OpenSandbox code-interpreter calls: {@code codes.run(code, {language: "R"})},
 * a context created for {@code "R"}, and the spec's own name {@code "rkernel"} in the same field, which Kernelgate's
 * execd also accepts (upstream's execd selects by language only). The spec sets an environment variable that only
 * the drop-in's kernel has, so the test knows that kernel ran the code. Jupyter's system kernels directories are left
 * out so Debian's own {@code ir} spec (language R) cannot be picked instead.
 */
class OpenSandboxSdkDropInKernelTest {
    private static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "opensandbox-code-client.js");
    private static final String MARK = "from-the-opensandbox-drop-in";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // kept for the kernel and client logs when a test fails
    Path dir;

    @Test
    @Timeout(150)
    void aDropInRKernelIsPickedByLanguageAndByName() throws Exception {
        Path nodeModules = JupyterLabServicesClientTest.NODE_MODULES;
        assertTrue(Files.exists(nodeModules.resolve("@alibaba-group/opensandbox/package.json")),
                "@alibaba-group/opensandbox is not installed: run scripts/install-test-deps "
                        + "(npm ci --prefix notebooks-tests/js)");
        Path kernelgateDropIns = Files.createDirectories(dir.resolve("etc/kernelgate/kernelspecs"));
        Path opensandboxDropIns = Files.createDirectories(dir.resolve("etc/opensandbox/kernelspecs"));
        Files.writeString(opensandboxDropIns.resolve("rkernel.json"), """
                {"argv": ["R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"],
                 "display_name": "R (drop-in)", "language": "R", "env": {"DROP_IN_MARK": "%s"}}
                """.formatted(MARK));

        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("JUPYTER_PATH");
        env.put("JUPYTER_DATA_DIR", Files.createDirectories(dir.resolve("jupyter-data")).toString());
        ExecdConfig config = ExecdSettings.parse(env, List.of("--port=0", "--host=127.0.0.1",
                "--drop-in-dir", kernelgateDropIns.toString(), "--drop-in-dir", opensandboxDropIns.toString()));
        assertEquals(List.of(kernelgateDropIns, opensandboxDropIns), config.dropInDirs());
        KernelManagerConfig kernels = KernelManagerConfig.defaults(env)
                .withRuntimeDir(Files.createDirectories(dir.resolve("runtime")))
                .withKernelOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kernels.log").toFile()));
        Path work = Files.createDirectories(dir.resolve("work"));
        ExecdConfig inWork = new ExecdConfig(config.host(), config.port(), config.accessToken(), config.envsFile(),
                config.logFile(), config.graceShutdown(), config.allowedRoots(), config.maxUploadBytes(), work,
                config.commandOutputDir(), config.connectionLimits(), config.dropInDirs());
        try (ExecdServer.Running execd = new ExecdServer(inWork, env, kernels).withSystemDataDirs(List.of()).start()) {
            ExternalClient client = ExternalClient.run(List.of("node", SCRIPT.toAbsolutePath().toString()),
                    Map.of("EXECD_URL", "http://127.0.0.1:" + execd.port(), "R_LANGUAGE", "R", "R_SPEC", "rkernel",
                            "DROP_IN_MARK", MARK, "NODE_PATH", nodeModules.toAbsolutePath().toString()),
                    dir, Duration.ofSeconds(120)).assertSucceeded();

            JsonNode byLanguage = client.step("by_language");
            assertEquals("R:" + MARK, byLanguage.path("stdout").asText(), byLanguage.toString());
            assertTrue(byLanguage.path("error").isNull(), byLanguage.toString());

            JsonNode byContext = client.step("by_context");
            assertEquals("R", byContext.path("context_language").asText(), byContext.toString());
            assertEquals("42", byContext.path("stdout").asText(), "state kept in the context: " + byContext);
            assertEquals("[1] 42", byContext.path("results").path(0).asText(), byContext.toString());

            JsonNode byName = client.step("by_name");
            assertEquals("R:" + MARK, byName.path("stdout").asText(), byName.toString());
            assertEquals("rkernel", byName.path("context_language").asText(), byName.toString());
            assertEquals("R:" + MARK, byName.path("context_stdout").asText(), byName.toString());

            JsonNode error = client.step("error");
            assertFalse(error.path("error").isNull(), error.toString());
            assertTrue(error.path("error").path("value").asText().contains("drop-in says no")
                    || error.toString().contains("drop-in says no"), error.toString());
        }
    }
}
