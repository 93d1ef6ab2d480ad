package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.runtime.LifecycleServer;
import dev.kernelgate.runtime.RuntimeProviders;
import dev.kernelgate.runtime.config.RuntimeSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.docker.DockerEngine;
import dev.kernelgate.runtime.docker.SandboxContainers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenSandbox JavaScript SDK against {@code kernelgate server} with {@code [runtime] type = "docker"} on the real
 * engine ({@code DOCKER_HOST}, the debootstrap image): Sandbox.create waits for execd through the endpoint the
 * server hands out, then commands, files, pause and resume, kill; no container is left afterwards.
 */
class OpenSandboxSdkDockerTest {
    static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "opensandbox-docker-client.js");
    private static final String KEY = "sdk-docker-key";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(180)
    void theOpenSandboxSdkDrivesDockerSandboxesThroughTheServer() throws Exception {
        String dockerHost = System.getenv("DOCKER_HOST");
        assumeTrue(dockerHost != null && !dockerHost.isBlank(), "DOCKER_HOST is not set (scripts/test sets it)");
        Path nodeModules = JupyterLabServicesClientTest.NODE_MODULES;
        assertTrue(Files.exists(nodeModules.resolve("@alibaba-group/opensandbox/package.json")),
                "@alibaba-group/opensandbox is not installed: run scripts/install-test-deps");
        String image = System.getenv().getOrDefault("KERNELGATE_TEST_IMAGE", "kernelgate-test/bookworm:minbase");

        ServerConfig defaults = ServerConfig.defaults();
        ServerConfig config = defaults.withServer(defaults.server().withListen("127.0.0.1", 0).withApiKey(KEY))
                .withLocal(defaults.local().withStateDir(Files.createDirectories(dir.resolve("state"))))
                .withRuntime(new RuntimeSettings("docker", null, null));
        String id;
        try (LifecycleServer.Running server = new LifecycleServer(config, System.getenv(),
                RuntimeProviders.builtIn(), Clock.systemUTC(), Duration.ofSeconds(1)).start()) {
            String domain = server.baseUrl().replaceFirst("^https?://", "");
            ExternalClient client = ExternalClient.run(List.of("node", SCRIPT.toAbsolutePath().toString()),
                    Map.of("SERVER_DOMAIN", domain, "SERVER_API_KEY", KEY, "SANDBOX_IMAGE", image,
                            "NODE_PATH", nodeModules.toAbsolutePath().toString()),
                    dir, Duration.ofSeconds(150)).assertSucceeded();

            JsonNode created = client.step("create");
            id = created.path("id").asText();
            assertTrue(created.path("endpoint").asText().matches("127\\.0\\.0\\.1:\\d+"), created.toString());
            assertEquals("[\"hello from the sdk\",\"12\"]",
                    client.step("run").path("stdout").toString().replaceAll("\"12\\.\\d+\"", "\"12\""));
            assertEquals("written by the sdk", client.step("files").path("content").asText());
            JsonNode pauseResume = client.step("pause_resume");
            assertEquals("Paused", pauseResume.path("paused").asText());
            assertEquals("Running", pauseResume.path("resumed").asText());
            assertEquals("[\"resumed\"]", pauseResume.path("stdout").toString());
            assertTrue(client.step("kill").path("gone").asBoolean());
        }
        try (DockerEngine engine = new DockerEngine(dockerHost, Duration.ofSeconds(30))) {
            assertEquals(0, new SandboxContainers(engine, null).findByLabel("opensandbox.io/id", id).size(),
                    "the killed sandbox's container is gone");
        }
    }
}
