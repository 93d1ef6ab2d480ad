package dev.kernelgate.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kernelgate.runtime.config.RuntimeSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.docker.DockerEngine;
import dev.kernelgate.runtime.docker.SandboxContainers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle API with {@code [runtime] type = "docker"} on the real engine: a sandbox from the debootstrap image
 * is created, reached through its endpoint, paused, resumed and deleted; a restarted server finds it again from its
 * labels; an expired sandbox's container is removed; an engine that does not answer fails creates with {@code DOCKER::ENGINE_UNREACHABLE} while the server serves.
 */
class DockerLifecycleTest {
    private static final String IMAGE = System.getenv().getOrDefault("KERNELGATE_TEST_IMAGE",
            "kernelgate-test/bookworm:minbase");

    @TempDir
    Path state;
    private String dockerHost;
    private SandboxContainers containers;
    private LifecycleServer.Running server;

    @BeforeEach
    void engine() {
        dockerHost = System.getenv("DOCKER_HOST");
        assumeTrue(dockerHost != null && !dockerHost.isBlank(), "DOCKER_HOST is not set (scripts/test sets it)");
        // Only to look at the engine from outside the server; it never creates anything.
        containers = new SandboxContainers(new DockerEngine(dockerHost, Duration.ofSeconds(30)), null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private LifecycleServer.Running start(Map<String, String> env) {
        ServerConfig config = TestServers.config(state).withRuntime(new RuntimeSettings("docker", null, null));
        return new LifecycleServer(config, env, RuntimeProviders.builtIn(), Clock.systemUTC(),
                Duration.ofMillis(100)).start();
    }

    private static String createBody() {
        return createBody("");
    }

    private static String createBody(String extra) {
        return "{\"image\":{\"uri\":\"" + IMAGE + "\"},\"entrypoint\":[\"sleep\",\"infinity\"]," + extra
                + "\"resourceLimits\":{\"cpu\":\"1\",\"memory\":\"512Mi\"},\"env\":{\"GREETING\":\"hello\"},"
                + "\"metadata\":{\"team\":\"a\"}}";
    }

    private int containersOf(String id) {
        return containers.findByLabel("opensandbox.io/id", id).size();
    }

    @Test
    void sandboxIsReachedPausedResumedAndDeletedWithoutLeftovers() {
        server = start(System.getenv());
        ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        ApiClient.Reply created = api.post("/v1/sandboxes", createBody());
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        assertEquals("Running", created.body().path("status").path("state").asText());
        assertEquals(1, containersOf(id));

        String endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/44772").body().path("endpoint").asText();
        assertTrue(endpoint.matches("127\\.0\\.0\\.1:\\d+"), endpoint);
        ApiClient execd = new ApiClient("http://" + endpoint, null);
        assertEquals(200, execd.get("/ping").status());
        ApiClient.Reply run = execd.post("/command", "{\"command\":\"echo $GREETING\"}");
        assertTrue(run.raw().body().contains("\"text\":\"hello\""), run.raw().body());

        assertEquals(202, api.post("/v1/sandboxes/" + id + "/pause", null).status());
        assertEquals("Paused", api.get("/v1/sandboxes/" + id).body().path("status").path("state").asText());
        assertEquals(202, api.post("/v1/sandboxes/" + id + "/resume", null).status());
        assertEquals("Running", api.get("/v1/sandboxes/" + id).body().path("status").path("state").asText());

        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        assertEquals(0, containersOf(id));
        assertEquals(404, api.get("/v1/sandboxes/" + id).status());
    }

    @Test
    void execdLogsToVarLogExecdWhichTheHostSeesUnderExecdLogDir() throws Exception {
        Path logs = state.resolve("execd-logs");
        ServerConfig config = TestServers.config(state).withRuntime(new RuntimeSettings("docker", null, null));
        config = config.withDocker(config.docker().withExecdLogDir(logs));
        server = new LifecycleServer(config, System.getenv(), RuntimeProviders.builtIn(), Clock.systemUTC(),
                Duration.ofMillis(100)).start();
        ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        ApiClient.Reply created = api.post("/v1/sandboxes", createBody());
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();

        // The bootstrap points execd at /var/log/execd/execd.log; the runtime mounts <execd_log_dir>/<id> there.
        Path file = logs.resolve(id).resolve("execd.log");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file)
                && Files.readString(file).contains("execd is listening on"));
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.stream().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ +[A-Z]+ +\\[.*")),
                "one event per line: " + lines);

        String endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/44772").body().path("endpoint").asText();
        ApiClient execd = new ApiClient("http://" + endpoint, null);
        ApiClient.Reply inside = execd.post("/command", "{\"command\":\"grep -c 'execd is listening on' "
                + "/var/log/execd/execd.log; echo \\\"$EXECD_LOG_FILE\\\"\"}");
        assertTrue(inside.raw().body().contains("\"text\":\"1\""), inside.raw().body());
        assertTrue(inside.raw().body().contains("\"text\":\"/var/log/execd/execd.log\""), inside.raw().body());
        // The container's own output keeps every line too.
        String containerId = containers.findByLabel("opensandbox.io/id", id).get(0).id();
        assertTrue(containers.logTail(containerId, 200).contains("execd is listening on"),
                containers.logTail(containerId, 200));

        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        assertTrue(Files.exists(file), "the log outlives the sandbox, for the collector to finish reading");
    }

    @Test
    void requestsTheRuntimeCannotHonourAreRefusedBeforeAnythingStarts() {
        server = start(System.getenv());
        ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        ApiClient.Reply policy = api.post("/v1/sandboxes", createBody(
                "\"networkPolicy\":{\"defaultAction\":\"deny\",\"egress\":[]},"));
        assertEquals(400, policy.status(), policy.raw().body());
        assertEquals("SANDBOX::INVALID_PARAMETER", policy.body().path("code").asText());
        ApiClient.Reply volume = api.post("/v1/sandboxes", createBody(
                "\"volumes\":[{\"name\":\"etc\",\"mountPath\":\"/host-etc\",\"host\":{\"path\":\"/etc\"}}],"));
        assertEquals(400, volume.status(), volume.raw().body());
        assertEquals("VOLUME::HOST_PATH_NOT_ALLOWED", volume.body().path("code").asText());
        assertEquals(0, api.get("/v1/sandboxes").body().path("items").size());
    }

    @Test
    void anExpiredSandboxLeavesNoContainer() {
        server = start(System.getenv());
        ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        ApiClient.Reply created = api.post("/v1/sandboxes", createBody("\"timeout\":2,"));
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        assertEquals(1, containersOf(id));
        await().atMost(Duration.ofSeconds(30)).until(() -> containersOf(id) == 0);
        assertEquals(404, api.get("/v1/sandboxes/" + id).status());
    }

    @Test
    void aRestartedServerFindsTheSandboxFromItsLabelsAndCanDeleteIt() {
        server = start(System.getenv());
        ApiClient first = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        ApiClient.Reply created = first.post("/v1/sandboxes", createBody());
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        server.close();
        server = null;
        assertEquals(1, containersOf(id), "the container outlives the server");

        server = start(System.getenv());
        ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        ApiClient.Reply found = api.get("/v1/sandboxes/" + id);
        assertEquals(200, found.status(), found.raw().body());
        assertEquals("Running", found.body().path("status").path("state").asText());
        assertEquals("a", found.body().path("metadata").path("team").asText());
        String endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/44772").body().path("endpoint").asText();
        assertEquals(200, new ApiClient("http://" + endpoint, null).get("/ping").status());

        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        assertEquals(0, containersOf(id));
    }

    @Test
    void anEngineThatDoesNotAnswerFailsCreatesAndTheServerKeepsServing() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DOCKER_HOST", "unix:///nonexistent/kernelgate-docker.sock");
        server = start(env);
        ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        ApiClient.Reply refused = api.post("/v1/sandboxes", createBody());
        assertEquals(503, refused.status(), refused.raw().body());
        assertEquals("DOCKER::ENGINE_UNREACHABLE", refused.body().path("code").asText());
        assertEquals(200, api.get("/health").status());
        assertEquals(200, api.get("/v1/sandboxes").status());
    }
}
