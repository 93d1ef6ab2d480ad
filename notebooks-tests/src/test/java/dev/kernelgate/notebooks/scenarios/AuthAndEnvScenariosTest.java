package dev.kernelgate.notebooks.scenarios;

import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.expect;
import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KG's token scenarios (every route, the WebSocket upgrade, OPTIONS and swagger exempt) and its kernel environment
 * scenarios (request env filtered to KERNEL_* and the whitelists, KERNEL_GATEWAY=1, the token never in a kernel),
 * checked from inside real kernels over the WebSocket.
 */
class AuthAndEnvScenariosTest {
    private static final String TOKEN = "sekret-token-4711";
    private static final String FAKE_ID = "00000000-0000-0000-0000-000000000000";

    @TempDir
    static Path dir;
    static ScenarioGateway gw;
    /** Started with {@code {}}: no env key, so it inherits the gateway's environment. */
    static String kernel;

    /** One route: method, path (under base), body, the status it answers with a valid token. */
    private record Call(String method, String path, String body, int status) {
        HttpRequest.Builder with(HttpRequest.Builder b) {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body);
            return b.method(method, publisher);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        gw = ScenarioGateway.start(dir, Map.of(
                "KG_AUTH_TOKEN", TOKEN,
                "KG_LIST_KERNELS", "True",
                "KG_ENV_PROCESS_WHITELIST", "KG_SCENARIO_PROCESS_VAR",
                "KG_SCENARIO_PROCESS_VAR", "from-the-gateway-process",
                "KG_SCENARIO_SECRET", "gateway-only"),
                "--JupyterWebsocketPersonality.env_whitelist=TEST_VAR");
        kernel = gw.startKernelId("{}");
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static List<Call> routes() {
        return List.of(
                new Call("GET", "/api", null, 200),
                new Call("GET", "/api/kernelspecs", null, 200),
                new Call("GET", "/api/kernelspecs/python3", null, 200),
                new Call("GET", "/kernelspecs/python3/logo-64x64.png", null, 200),
                new Call("GET", "/api/kernels", null, 200),
                new Call("POST", "/api/kernels", "not json", 400),
                new Call("GET", "/api/kernels/" + kernel, null, 200),
                new Call("DELETE", "/api/kernels/" + FAKE_ID, null, 404),
                new Call("POST", "/api/kernels/" + FAKE_ID + "/interrupt", "{}", 404),
                new Call("POST", "/api/kernels/" + FAKE_ID + "/restart", "{}", 404),
                new Call("GET", "/api/sessions", null, 200),
                new Call("POST", "/api/sessions", "{}", 400),
                new Call("GET", "/api/sessions/" + FAKE_ID, null, 404),
                new Call("PATCH", "/api/sessions/" + FAKE_ID, "{}", 404),
                new Call("DELETE", "/api/sessions/" + FAKE_ID, null, 410),
                new Call("PUT", "/api/kernels", "{}", 405));
    }

    private static boolean actionRoute(Call call) {
        return call.path().endsWith("/interrupt") || call.path().endsWith("/restart")
                || call.path().startsWith("/api/sessions/");
    }

    @Test
    void everyRouteWantsTheToken() {
        for (Call call : routes()) {
            HttpResponse<String> none = gw.send(call.with(gw.rawRequest(call.path())));
            assertEquals(401, none.statusCode(), call + ": " + none.body());
            JsonNode body = json(none);
            if (actionRoute(call)) {
                // jupyter_server's APIHandler format (upstream omits "reason" here; null is equivalent to clients).
                assertEquals("Unauthorized", body.path("message").asText(), call.toString());
                assertTrue(body.path("reason").isNull() || body.path("reason").isMissingNode(), call.toString());
            } else {
                assertEquals(json("{\"reason\":\"Unauthorized\",\"message\":\"\"}"), body, call.toString());
            }
            for (String wrong : List.of("token nope", "token " + TOKEN + "x", "Bearer " + TOKEN, "Token " + TOKEN,
                    TOKEN, "token")) {
                HttpResponse<String> r = gw.send(call.with(gw.rawRequest(call.path()).header("Authorization", wrong)));
                assertEquals(401, r.statusCode(), call + " with Authorization: " + wrong);
            }
            assertEquals(401, gw.send(call.with(gw.rawRequest(call.path() + "?token=nope"))).statusCode(),
                    call + "?token=nope");
            // The query parameter is read first, even when the header is right.
            assertEquals(401, gw.send(call.with(gw.rawRequest(call.path() + "?token=nope")
                    .header("Authorization", "token " + TOKEN))).statusCode(), call + " query before header");

            HttpResponse<String> header = gw.send(call.with(gw.rawRequest(call.path())
                    .header("Authorization", "token " + TOKEN)));
            assertEquals(call.status(), header.statusCode(), call + " with the header: " + header.body());
            HttpResponse<String> query = gw.send(call.with(gw.rawRequest(call.path() + "?token=" + TOKEN)));
            assertEquals(call.status(), query.statusCode(), call + " with ?token=: " + query.body());
        }
    }

    @Test
    void optionsSwaggerAndUnknownPathsNeedNoToken() {
        for (Call call : routes()) {
            HttpResponse<String> r = gw.send(gw.rawRequest(call.path())
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, r.statusCode(), "OPTIONS " + call.path());
        }
        HttpResponse<String> swaggerJson = gw.send(gw.rawRequest("/api/swagger.json").GET());
        assertEquals(200, swaggerJson.statusCode());
        assertEquals("application/json", swaggerJson.headers().firstValue("Content-Type").orElse(""));
        assertEquals("3.0.3", json(swaggerJson).path("openapi").asText());
        assertEquals(json(resource("swagger.json")), json(swaggerJson));
        HttpResponse<String> swaggerYaml = gw.send(gw.rawRequest("/api/swagger.yaml").GET());
        assertEquals(200, swaggerYaml.statusCode());
        assertEquals("text/x-yaml", swaggerYaml.headers().firstValue("Content-Type").orElse(""));
        assertEquals(resource("swagger.yaml"), swaggerYaml.body());
        // KG's catch-all has no token check.
        for (String path : List.of("/tree", "/api/contents", "/api/kernels/not-an-id")) {
            HttpResponse<String> r = gw.send(gw.rawRequest(path).GET());
            assertEquals(404, r.statusCode(), path);
            assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"\"}"), json(r));
        }
    }

    private static String resource(String name) {
        try (var in = dev.kernelgate.gateway.api.ApiHandler.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theWebSocketUpgradeWantsTheToken() {
        String path = "/api/kernels/" + kernel + "/channels";
        assertEquals(401, gw.refusedUpgradeStatus(path, b -> {
        }));
        assertEquals(401, gw.refusedUpgradeStatus(path, b -> b.header("Authorization", "token wrong")));
        assertEquals(401, gw.refusedUpgradeStatus(path + "?token=wrong", b -> {
        }));
        assertEquals(401, gw.refusedUpgradeStatus(path, b -> b.header("Authorization", "Bearer " + TOKEN)));

        KernelSocket byHeader = gw.connect(kernel);
        assertEquals("ok", byHeader.kernelInfo().path("content").path("status").asText());
        byHeader.close();
        // Browsers cannot set headers on a WebSocket: JupyterLab appends the token to the URL.
        KernelSocket byQuery = ScenarioGateway.await(gw.connectAsync(kernel, b -> {
        }, "?session_id=browser&token=" + TOKEN, List.of(), false));
        assertEquals("ok", byQuery.kernelInfo().path("content").path("status").asText());
        byQuery.close();
    }

    private static final String PRINT_ENV = String.join("\n",
            "import os, json",
            "names = ['KERNEL_FOO', 'NOT_KERNEL', 'KERNEL_GATEWAY', 'TEST_VAR', 'KG_AUTH_TOKEN',",
            "         'KG_SCENARIO_PROCESS_VAR', 'KG_SCENARIO_SECRET', 'PATH']",
            "env = {n: os.environ.get(n) for n in names}",
            "env['token_anywhere'] = any('" + TOKEN + "' in v for v in os.environ.values())",
            "print(json.dumps(env))");

    private static JsonNode kernelEnv(String kernelId) {
        KernelSocket ws = gw.connect(kernelId);
        try {
            KernelSocket.Execution run = ws.execute(PRINT_ENV);
            assertEquals("ok", run.status(), run.reply().toString());
            return json(run.stdout());
        } finally {
            ws.close();
        }
    }

    @Test
    void aRequestEnvIsFilteredAsUpstreamDoes() {
        // KG's test_kernel_env body, plus the token and a process variable sent by the client.
        String id = gw.startKernelId("{\"name\":\"python\",\"env\":{"
                + "\"KERNEL_FOO\":\"kernel-foo-value\",\"NOT_KERNEL\":\"ignored\",\"KERNEL_GATEWAY\":\"overridden\","
                + "\"TEST_VAR\":\"allowed\",\"KG_AUTH_TOKEN\":\"" + TOKEN + "\","
                + "\"KG_SCENARIO_SECRET\":\"from-the-client\"}}");
        try {
            JsonNode env = kernelEnv(id);
            assertEquals("kernel-foo-value", env.path("KERNEL_FOO").asText(), env.toString());
            assertTrue(env.path("NOT_KERNEL").isNull(), env.toString());
            assertEquals("1", env.path("KERNEL_GATEWAY").asText(), env.toString());
            assertEquals("allowed", env.path("TEST_VAR").asText(), env.toString());
            assertTrue(env.path("KG_AUTH_TOKEN").isNull(), env.toString());
            assertEquals("from-the-gateway-process", env.path("KG_SCENARIO_PROCESS_VAR").asText(),
                    "KG_ENV_PROCESS_WHITELIST passes gateway variables");
            assertTrue(env.path("KG_SCENARIO_SECRET").isNull(), "neither the client's nor the gateway's");
            assertEquals(System.getenv("PATH"), env.path("PATH").asText(), "PATH always comes from the gateway");
            assertFalse(env.path("token_anywhere").asBoolean(), env.toString());
        } finally {
            gw.deleteKernel(id);
        }
    }

    @Test
    void withoutAnEnvKeyTheKernelInheritsTheGatewayEnvironmentButNotTheToken() {
        JsonNode env = kernelEnv(kernel);
        assertEquals("gateway-only", env.path("KG_SCENARIO_SECRET").asText(), env.toString());
        assertEquals("1", env.path("KERNEL_GATEWAY").asText());
        assertTrue(env.path("KG_AUTH_TOKEN").isNull(), env.toString());
        assertFalse(env.path("token_anywhere").asBoolean(), env.toString());
    }

    @Test
    void anEnvThatIsNotAnObjectIsABadRequest() {
        for (String env : List.of("[\"KERNEL_FOO\"]", "\"KERNEL_FOO=1\"", "1", "null")) {
            JsonNode body = expect(400, gw.post("/api/kernels", "{\"env\":" + env + "}"));
            assertEquals("Bad Request", body.path("reason").asText(), env);
        }
    }
}
