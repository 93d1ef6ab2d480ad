package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.StorageSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Auth, request ids and bad input: clear 4xx with upstream's codes, and the server keeps serving. */
class LifecycleApiTest {
    private static final String UNKNOWN = "/v1/sandboxes/00000000-0000-0000-0000-000000000000";

    @TempDir
    static Path state;
    static Path allowed;
    static LifecycleServer.Running server;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        allowed = Files.createDirectories(state.resolve("allowed"));
        ServerConfig c = TestServers.config(state.resolve("state"));
        c = c.withServer(c.server().withTimeouts(60, 3600L))
                .withStorage(new StorageSettings(List.of(allowed), null, null));
        server = TestServers.start(c);
        api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aMissingKeyAndAWrongKeyAre401WithUpstreamCodes() {
        ApiClient anonymous = new ApiClient(server.baseUrl(), null);
        ApiClient.Reply missing = anonymous.get("/v1/sandboxes");
        assertEquals(401, missing.status());
        assertEquals("MISSING_API_KEY", missing.body().path("code").asText());
        ApiClient.Reply wrong = new ApiClient(server.baseUrl(), "nope").get("/sandboxes");
        assertEquals(401, wrong.status());
        assertEquals("INVALID_API_KEY", wrong.body().path("code").asText());
        ApiClient.Reply health = anonymous.get("/health");
        assertEquals(200, health.status());
        assertEquals("healthy", health.body().path("status").asText());
        assertEquals(200, anonymous.get("/v1/health").status());
    }

    @Test
    void requestIdsAreEchoedOrGenerated() {
        ApiClient.Reply echoed = api.send("GET", "/v1/sandboxes", null, "X-Request-ID", "trace-42");
        assertEquals("trace-42", echoed.header("X-Request-ID"));
        ApiClient.Reply errorEchoed = api.send("GET", UNKNOWN, null, "X-Request-ID", "trace-43");
        assertEquals("trace-43", errorEchoed.header("X-Request-ID"));
        String generated = api.get("/v1/sandboxes").header("X-Request-ID");
        assertNotNull(generated);
        assertTrue(generated.matches("[0-9a-f]{32}"), generated);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no image                | {\"entrypoint\":[\"sh\"]}                                            | 422 | SANDBOX::INVALID_PARAMETER",
        "no entrypoint           | {\"image\":{\"uri\":\"x\"}}                                            | 422 | SANDBOX::INVALID_PARAMETER",
        "empty entrypoint        | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[]}                          | 422 | SANDBOX::INVALID_PARAMETER",
        "timeout under 60        | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"timeout\":59}     | 422 | SANDBOX::INVALID_PARAMETER",
        "timeout over the cap    | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"timeout\":3601}   | 400 | SANDBOX::INVALID_PARAMETER",
        "timeout not a number    | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"timeout\":\"1h\"} | 422 | SANDBOX::INVALID_PARAMETER",
        "malformed cpu           | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"resourceLimits\":{\"cpu\":\"lots\"}}   | 400 | SANDBOX::INVALID_PARAMETER",
        "malformed memory        | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"resourceLimits\":{\"memory\":\"2GB\"}} | 400 | SANDBOX::INVALID_PARAMETER",
        "reserved metadata       | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"metadata\":{\"opensandbox.io/id\":\"x\"}} | 400 | SANDBOX::INVALID_METADATA_LABEL",
        "host path not allowed   | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"volumes\":[{\"name\":\"v\",\"mountPath\":\"/d\",\"host\":{\"path\":\"/etc\"}}]} | 400 | VOLUME::HOST_PATH_NOT_ALLOWED",
        "host path escapes       | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"volumes\":[{\"name\":\"v\",\"mountPath\":\"/d\",\"host\":{\"path\":\"/a/../etc\"}}]} | 400 | VOLUME::INVALID_HOST_PATH",
        "two volume backends     | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"volumes\":[{\"name\":\"v\",\"mountPath\":\"/d\",\"host\":{\"path\":\"/a\"},\"pvc\":{\"claimName\":\"c\"}}]} | 400 | VOLUME::INVALID_BACKEND",
        "ossfs on the local runtime| {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"volumes\":[{\"name\":\"v\",\"mountPath\":\"/d\",\"ossfs\":{\"bucket\":\"b\"}}]} | 400 | VOLUME::UNSUPPORTED_BACKEND",
        "bad platform            | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"platform\":{\"os\":\"plan9\",\"arch\":\"amd64\"}} | 400 | SANDBOX::INVALID_PARAMETER",
        "credential vault, local runtime | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"networkPolicy\":{\"defaultAction\":\"allow\"},\"credentialProxy\":{\"enabled\":true}} | 400 | SANDBOX::INVALID_PARAMETER",
        "credential vault, no policy | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"credentialProxy\":{\"enabled\":true}} | 400 | SANDBOX::INVALID_PARAMETER",
        "egress not an array     | {\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"networkPolicy\":{\"egress\":{\"a\":{\"action\":\"allow\",\"target\":\"x.org\"}}}} | 422 | SANDBOX::INVALID_PARAMETER",
        "not JSON                | {\"image\":                                                             | 422 | SANDBOX::INVALID_PARAMETER",
        "a JSON array            | []                                                                       | 422 | SANDBOX::INVALID_PARAMETER",
    })
    void badCreateRequestsAreRefusedAndTheServerKeepsServing(String name, String body, int status, String code) {
        ApiClient.Reply reply = api.post("/v1/sandboxes", body);
        assertEquals(status, reply.status(), reply.raw().body());
        assertEquals(code, reply.body().path("code").asText(), reply.raw().body());
        assertTrue(reply.body().path("message").asText().length() > 5, reply.raw().body());
        assertEquals(200, api.get("/health").status());
        assertEquals(0, api.get("/v1/sandboxes").body().path("items").size(), "nothing was created");
    }

    @Test
    void theLocalRuntimeRefusesANetworkPolicyItCannotEnforce() {
        ApiClient.Reply reply = api.post("/v1/sandboxes", "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],"
                + "\"networkPolicy\":{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\","
                + "\"target\":\"pypi.org\"}]}}");
        assertEquals(400, reply.status(), reply.raw().body());
        assertEquals("SANDBOX::INVALID_PARAMETER", reply.body().path("code").asText());
        assertTrue(reply.body().path("message").asText().contains("not supported by the local runtime"),
                reply.raw().body());
        assertEquals(0, api.get("/v1/sandboxes").body().path("items").size(), "nothing was created");
    }

    @Test
    void unknownIdsAre404OnEveryRoute() {
        for (ApiClient.Reply r : List.of(api.get(UNKNOWN), api.delete(UNKNOWN), api.post(UNKNOWN + "/pause", null),
                api.post(UNKNOWN + "/resume", null), api.get(UNKNOWN + "/endpoints/44772"),
                api.post(UNKNOWN + "/renew-expiration", "{\"expiresAt\":\"2100-01-01T00:00:00Z\"}"),
                api.send("PATCH", UNKNOWN + "/metadata", "{\"a\":\"b\"}"))) {
            assertEquals(404, r.status(), r.raw().uri() + " " + r.raw().body());
            assertEquals("LOCAL::SANDBOX_NOT_FOUND", r.body().path("code").asText());
        }
    }

    @Test
    void badQueriesAndPortsAre4xx() {
        assertEquals(422, api.get("/v1/sandboxes?pageSize=500").status());
        assertEquals(422, api.get("/v1/sandboxes?page=0").status());
        assertEquals("SANDBOX::INVALID_PARAMETER", api.get("/v1/sandboxes?state=Sleeping").body().path("code").asText());
        assertEquals("INVALID_METADATA_FORMAT", api.get("/v1/sandboxes?metadata=broken").body().path("code").asText());
        ApiClient.Reply port = api.get(UNKNOWN + "/endpoints/99999");
        assertEquals(400, port.status());
        assertEquals("LOCAL::INVALID_PORT", port.body().path("code").asText());
        ApiClient.Reply route = api.get("/v1/nothing-here");
        assertEquals(404, route.status());
        assertEquals("GENERAL::UNKNOWN_ERROR", route.body().path("code").asText());
    }

    @Test
    void anAllowedHostPathIsMountedIntoTheWorkspace() throws Exception {
        Files.writeString(allowed.resolve("shared.txt"), "from the host");
        ApiClient.Reply created = api.post("/v1/sandboxes", "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sleep\","
                + "\"600\"],\"volumes\":[{\"name\":\"data\",\"mountPath\":\"/mnt/data\",\"host\":{\"path\":\""
                + allowed + "\"}}]}");
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        String ep = api.get("/v1/sandboxes/" + id + "/endpoints/44772").body().path("endpoint").asText();
        ApiClient.Reply cat = new ApiClient("http://" + ep, null).post("/command", "{\"command\":\"cat mnt/data/shared.txt\"}");
        assertTrue(cat.raw().body().contains("from the host"), cat.raw().body());
        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        assertTrue(Files.exists(allowed.resolve("shared.txt")), "deleting the sandbox leaves the host's files");
    }

    @Test
    void noKeyRefusesToStartUnlessInsecureIsAllowed() {
        ServerConfig open = TestServers.config(state.resolve("open"));
        open = open.withServer(open.server().withApiKey(null));
        ServerConfig config = open;
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new LifecycleServer(config,
                Map.of(), RuntimeProviders.builtIn(), Clock.systemUTC(), Duration.ofSeconds(1)).start());
        assertTrue(refused.getMessage().contains("OPENSANDBOX_INSECURE_SERVER=YES"), refused.getMessage());
        try (LifecycleServer.Running insecure = new LifecycleServer(config, Map.of("OPENSANDBOX_INSECURE_SERVER",
                "YES"), RuntimeProviders.builtIn(), Clock.systemUTC(), Duration.ofSeconds(1)).start()) {
            assertEquals(200, new ApiClient(insecure.baseUrl(), null).get("/v1/sandboxes").status());
        }
    }
}
