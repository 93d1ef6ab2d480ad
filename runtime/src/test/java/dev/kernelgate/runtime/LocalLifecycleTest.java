package dev.kernelgate.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle API over real child execd processes. */
class LocalLifecycleTest {
    @TempDir
    Path state;
    private LifecycleServer.Running server;
    private ApiClient api;

    @BeforeEach
    void start() {
        server = TestServers.start(state);
        api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void createRunsExecdReachableThroughTheBridgeEndpointThenDeleteKillsEverything() {
        ApiClient.Reply created = api.post("/v1/sandboxes", ApiClient.createBody(null,
                "\"env\":{\"GREETING\":\"hello\"},\"metadata\":{\"team\":\"a\"}"));
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        assertEquals("Running", created.body().path("status").path("state").asText());
        assertEquals("a", created.body().path("metadata").path("team").asText());

        ApiClient.Reply endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/44772");
        assertEquals(200, endpoint.status());
        String ep = endpoint.body().path("endpoint").asText();
        assertTrue(ep.matches("127\\.0\\.0\\.1:\\d+/proxy/44772"), ep);
        ApiClient.Reply egress = api.get("/v1/sandboxes/" + id + "/endpoints/18080");
        assertTrue(egress.body().path("endpoint").asText().endsWith("/proxy/18080"));

        ApiClient execd = new ApiClient("http://" + ep, null);
        assertEquals(200, execd.get("/ping").status());
        ApiClient.Reply run = execd.post("/command", "{\"command\":\"echo $GREETING; pwd\"}");
        assertTrue(run.raw().body().contains("\"text\":\"hello\""), run.raw().body());
        assertTrue(run.raw().body().contains(sandboxDir(id).resolve("workspace").toString()), run.raw().body());

        long pid = childPid(id);
        assertTrue(ProcessHandle.of(pid).isPresent());
        Path dir = sandboxDir(id);
        int port = Integer.parseInt(ep.substring(ep.indexOf(':') + 1, ep.indexOf('/')));

        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(listening(port));
        assertFalse(Files.exists(dir));
        assertEquals(404, api.get("/v1/sandboxes/" + id).status());
    }

    @Test
    void tenSandboxesCreatedConcurrentlyAllRunOnDistinctPortsAndAllGo() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(10);
        List<Future<ApiClient.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            replies.add(clients.submit(() -> api.post("/v1/sandboxes", ApiClient.createBody(600, null))));
        }
        List<String> ids = new ArrayList<>();
        for (Future<ApiClient.Reply> f : replies) {
            ApiClient.Reply r = f.get();
            assertEquals(202, r.status(), r.raw().body());
            assertEquals("Running", r.body().path("status").path("state").asText());
            ids.add(r.body().path("id").asText());
        }
        clients.shutdown();
        assertEquals(10, api.get("/v1/sandboxes?state=Running").body().path("items").size());
        Set<String> endpoints = new HashSet<>();
        for (String id : ids) {
            String ep = api.get("/v1/sandboxes/" + id + "/endpoints/44772").body().path("endpoint").asText();
            endpoints.add(ep.substring(0, ep.indexOf('/')));
            assertEquals(200, new ApiClient("http://" + ep, null).get("/ping").status(), ep);
        }
        assertEquals(10, endpoints.size(), "distinct ports: " + endpoints);
        List<Long> pids = new ArrayList<>();
        for (String id : ids) {
            pids.add(childPid(id));
            assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
        }
        for (String hostPort : endpoints) {
            assertFalse(listening(Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1))), hostPort);
        }
        assertEquals(0, api.get("/v1/sandboxes").body().path("items").size());
        try (var left = Files.list(state.resolve("local"))) {
            assertEquals(0, left.filter(Files::isDirectory).count(), "every sandbox directory is gone");
        }
    }

    @Test
    void pauseStopsEveryProcessAndResumeContinuesThem() {
        String id = api.post("/sandboxes", ApiClient.createBody(null, null)).body().path("id").asText();
        long pid = childPid(id);
        assertEquals(202, api.post("/sandboxes/" + id + "/pause", null).status());
        assertEquals("Paused", api.get("/sandboxes/" + id).body().path("status").path("state").asText());
        // SIGSTOP and SIGCONT are delivered asynchronously: the state in /proc follows within moments.
        await().atMost(Duration.ofSeconds(5)).until(() -> procState(pid) == 'T');
        assertEquals(409, api.post("/sandboxes/" + id + "/pause", null).status());
        assertEquals(202, api.post("/sandboxes/" + id + "/resume", null).status());
        await().atMost(Duration.ofSeconds(5)).until(() -> procState(pid) != 'T');
        assertEquals("Running", api.get("/sandboxes/" + id).body().path("status").path("state").asText());
        assertEquals(409, api.post("/sandboxes/" + id + "/resume", null).status());
    }

    @Test
    void renewMovesTheDeadlineAndMetadataPatchMerges() {
        String id = api.post("/v1/sandboxes", ApiClient.createBody(60, "\"metadata\":{\"a\":\"1\",\"b\":\"2\"}"))
                .body().path("id").asText();
        String later = java.time.Instant.now().plusSeconds(3600).toString();
        ApiClient.Reply renewed = api.post("/v1/sandboxes/" + id + "/renew-expiration",
                "{\"expiresAt\":\"" + later + "\"}");
        assertEquals(200, renewed.status(), renewed.raw().body());
        assertEquals(java.time.Instant.parse(later),
                java.time.Instant.parse(renewed.body().path("expiresAt").asText()));
        ApiClient.Reply past = api.post("/v1/sandboxes/" + id + "/renew-expiration",
                "{\"expiresAt\":\"2001-01-01T00:00:00Z\"}");
        assertEquals(400, past.status());
        assertEquals("LOCAL::INVALID_EXPIRATION", past.body().path("code").asText());

        ApiClient.Reply patched = api.send("PATCH", "/v1/sandboxes/" + id + "/metadata",
                "{\"a\":null,\"c\":\"3\"}");
        assertEquals(200, patched.status(), patched.raw().body());
        JsonNode metadata = patched.body().path("metadata");
        assertFalse(metadata.has("a"));
        assertEquals("2", metadata.path("b").asText());
        assertEquals("3", metadata.path("c").asText());

        ApiClient.Reply listed = api.get("/v1/sandboxes?state=Running&metadata=c%3D3");
        assertEquals(1, listed.body().path("items").size());
        assertEquals(1, listed.body().path("pagination").path("totalItems").asInt());
        assertEquals(0, api.get("/v1/sandboxes?metadata=c%3D4").body().path("items").size());
        assertEquals(0, api.get("/v1/sandboxes?state=Paused").body().path("items").size());
    }

    @Test
    void anEntrypointThatExitsEndsTheSandbox() {
        String body = "{\"image\":{\"uri\":\"local\"},\"entrypoint\":[\"sh\",\"-c\",\"exit 3\"]}";
        String id = api.post("/v1/sandboxes", body).body().path("id").asText();
        await().atMost(Duration.ofSeconds(15)).until(() ->
                api.get("/v1/sandboxes/" + id).body().path("status").path("state").asText().equals("Failed"));
        JsonNode status = api.get("/v1/sandboxes/" + id).body().path("status");
        assertEquals("EntrypointFailed", status.path("reason").asText());
        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
    }

    private long childPid(String id) {
        try {
            return Long.parseLong(Files.readString(sandboxDir(id).resolve("execd.pid")).split(" ")[0]);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The child's directory: the one whose spec.json names the sandbox. */
    private Path sandboxDir(String id) {
        try (var dirs = Files.list(state.resolve("local"))) {
            return dirs.filter(d -> {
                try {
                    return Files.readString(d.resolve("spec.json")).contains("\"" + id + "\"");
                } catch (IOException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static char procState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return 'X';
        }
    }

    static boolean listening(int port) {
        try (Socket connected = new Socket("127.0.0.1", port)) {
            return connected.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

}
