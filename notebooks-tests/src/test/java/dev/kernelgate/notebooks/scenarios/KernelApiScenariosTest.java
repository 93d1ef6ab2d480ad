package dev.kernelgate.notebooks.scenarios;

import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.TIMESTAMP;
import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.expect;
import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KG's jupyter-websocket scenarios on a gateway with listing enabled and no token: the REST shapes and status
 * codes, the kernel model, kernel_info over the legacy WebSocket protocol, lifecycle actions and sessions.
 */
class KernelApiScenariosTest {
    private static final Path KERNELS = Path.of("/usr/share/jupyter/kernels");

    @TempDir
    static Path dir;
    static ScenarioGateway gw;
    /** One python3 kernel shared by the tests that leave it running. */
    static String shared;

    @BeforeAll
    static void start() throws Exception {
        gw = ScenarioGateway.start(dir, Map.of("KG_LIST_KERNELS", "True"));
        shared = gw.startKernelId("{}");
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static void assertModel(JsonNode model, String id) {
        assertEquals(Set.of("id", "name", "last_activity", "execution_state", "connections"), fields(model),
                model.toString());
        assertEquals(id, model.path("id").asText());
        assertEquals("python3", model.path("name").asText());
        assertTrue(model.path("last_activity").asText().matches(TIMESTAMP), model.toString());
        assertTrue(model.path("connections").isInt(), model.toString());
        assertTrue(Set.of("starting", "idle", "busy").contains(model.path("execution_state").asText()),
                model.toString());
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertJsonNotFound(HttpResponse<String> r) {
        assertEquals(404, r.statusCode(), r.uri() + ": " + r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"\"}"), json(r));
    }

    @Test
    void apiVersion() {
        JsonNode body = expect(200, gw.get("/api"));
        assertTrue(body.path("version").asText().matches("\\d+\\.\\d+\\.\\d+"), body.toString());
    }

    @Test
    void kernelspecsListAndOne() {
        JsonNode all = expect(200, gw.get("/api/kernelspecs"));
        assertEquals("python3", all.path("default").asText());
        JsonNode python = all.path("kernelspecs").path("python3");
        assertEquals("python3", python.path("name").asText());
        assertEquals(Set.of("argv", "env", "display_name", "language", "interrupt_mode", "metadata"),
                fields(python.path("spec")));
        assertEquals("python", python.path("spec").path("language").asText());
        assertEquals("/kernelspecs/python3/logo-64x64.png", python.path("resources").path("logo-64x64").asText());
        assertEquals("/kernelspecs/python3/logo-32x32.png", python.path("resources").path("logo-32x32").asText());
        JsonNode ir = all.path("kernelspecs").path("ir");
        assertEquals("/kernelspecs/ir/kernel.js", ir.path("resources").path("kernel.js").asText());

        JsonNode one = expect(200, gw.get("/api/kernelspecs/python3"));
        assertEquals(python, one);

        HttpResponse<String> missing = gw.get("/api/kernelspecs/no-such-spec");
        assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"Kernel spec no-such-spec not found\"}"),
                expect(404, missing));
    }

    @Test
    void kernelspecResources() throws Exception {
        HttpResponse<byte[]> logo = gw.sendForBytes(gw.request("/kernelspecs/python3/logo-64x64.png").GET());
        assertEquals(200, logo.statusCode());
        assertEquals("image/png", logo.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(Files.readAllBytes(KERNELS.resolve("python3/logo-64x64.png")), logo.body());
        assertEquals("max-age=2592000", logo.headers().firstValue("Cache-Control").orElse(""));

        HttpResponse<byte[]> js = gw.sendForBytes(gw.request("/kernelspecs/ir/kernel.js").GET());
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").contains("javascript"),
                js.headers().map().toString());
        assertArrayEquals(Files.readAllBytes(KERNELS.resolve("ir/kernel.js")), js.body());

        HttpResponse<byte[]> head = gw.sendForBytes(gw.request("/kernelspecs/python3/logo-32x32.png")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);

        assertJsonNotFound(gw.get("/kernelspecs/python3/no-such-file.png"));
        assertJsonNotFound(gw.get("/kernelspecs/no-such-spec/logo-64x64.png"));
        // Nothing outside the spec's resource directory is served.
        assertEquals(404, gw.get("/kernelspecs/python3/%2e%2e/ir/kernel.js").statusCode());
        assertEquals(404, gw.get("/kernelspecs/python3/..%2Fir%2Fkernel.js").statusCode());
    }

    @Test
    void headlessRoutesAreJsonNotFound() {
        for (String path : List.of("/", "/tree", "/api/contents", "/api/terminals", "/api/status", "/api/me",
                "/fake-endpoint", "/api/kernels/not-a-kernel-id", "/api/kernels/1-2-3-4")) {
            assertJsonNotFound(gw.get(path));
        }
    }

    @Test
    void jsonErrorBodies() {
        String unknown = "1-2-3-4-5";
        String message = "Kernel does not exist: " + unknown;
        assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"" + message + "\"}"),
                expect(404, gw.get("/api/kernels/" + unknown)));
        assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"" + message + "\"}"),
                expect(404, gw.delete("/api/kernels/" + unknown)));
        // The kernel-action routes use jupyter_server's APIHandler format.
        assertEquals(json("{\"message\":\"" + message + "\",\"reason\":null}"),
                expect(404, gw.post("/api/kernels/" + unknown + "/interrupt", "{}")));
        assertEquals(json("{\"message\":\"" + message + "\",\"reason\":null}"),
                expect(404, gw.post("/api/kernels/" + unknown + "/restart", "{}")));

        // An unknown kernelspec is an unexpected error upstream: 500 with a traceback.
        JsonNode noSpec = expect(500, gw.post("/api/kernels", "{\"name\":\"no-such-kernel\"}"));
        assertEquals("Internal Server Error", noSpec.path("reason").asText());
        assertEquals("Unknown server error", noSpec.path("message").asText());
        assertTrue(noSpec.path("traceback").asText().contains("no-such-kernel"), noSpec.toString());
        assertEquals(Set.of("reason", "message", "traceback"), fields(noSpec));
    }

    @Test
    void listedKernelsHaveTheModelShape() {
        JsonNode list = expect(200, gw.get("/api/kernels"));
        assertTrue(list.isArray());
        List<String> ids = new ArrayList<>();
        list.forEach(k -> {
            assertModel(k, k.path("id").asText());
            ids.add(k.path("id").asText());
        });
        assertTrue(ids.contains(shared), list.toString());
    }

    @Test
    void kernelInfoOverTheLegacyProtocol() {
        KernelSocket ws = gw.connect(shared);
        try {
            assertEquals("", ws.subprotocol(), "no subprotocol offered: legacy protocol");
            String msgId = ws.sendKernelInfoRequest();
            JsonNode reply = ws.awaitMessage(KernelSocket.reply(msgId, "kernel_info_reply"));
            assertEquals("shell", reply.path("channel").asText());
            assertEquals(reply.path("header").path("msg_id").asText(), reply.path("msg_id").asText());
            assertEquals("kernel_info_reply", reply.path("header").path("msg_type").asText());
            assertEquals("kernel_info_reply", reply.path("msg_type").asText());
            assertTrue(reply.path("buffers").isArray() && reply.path("buffers").isEmpty(), reply.toString());
            assertEquals("ok", reply.path("content").path("status").asText());
            assertTrue(reply.path("content").path("protocol_version").asText().startsWith("5."));
            assertEquals("python", reply.path("content").path("language_info").path("name").asText());
            assertTrue(reply.path("metadata").isObject());

            JsonNode idle = ws.awaitMessage(KernelSocket.idle(msgId));
            assertEquals("iopub", idle.path("channel").asText());
            assertEquals("status", idle.path("msg_type").asText());
            assertTrue(idle.path("buffers").isArray());
            for (JsonNode m : ws.messages()) {
                assertTrue(Set.of("shell", "iopub", "control", "stdin").contains(m.path("channel").asText()),
                        m.toString());
                assertEquals(m.path("header").path("msg_id").asText(), m.path("msg_id").asText());
                assertEquals(m.path("header").path("msg_type").asText(), m.path("msg_type").asText());
            }
            assertTrue(ws.binaries().isEmpty(), "no buffers, no binary frames");
        } finally {
            ws.close();
        }
    }

    @Test
    void connectionsCountOpenWebSockets() {
        String id = shared;
        awaitConnections(id, 0); // the other tests' sockets are closed
        KernelSocket first = gw.connect(id);
        KernelSocket second = null;
        try {
            awaitConnections(id, 1);
            second = gw.connect(id);
            awaitConnections(id, 2);
            first.close();
            awaitConnections(id, 1);
            second.kernelInfo(); // the remaining one still works
            second.close();
            awaitConnections(id, 0);
            // An aborted connection (no close handshake) counts down too.
            KernelSocket aborted = gw.connect(id);
            awaitConnections(id, 1);
            aborted.abort();
            awaitConnections(id, 0);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    private static void awaitConnections(String id, int expected) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> gw.kernelModel(id).path("connections").asInt() == expected);
    }

    @Test
    void executionStateGoesBusyThenIdleAndLastActivityMoves() {
        KernelSocket ws = gw.connect(shared);
        try {
            ws.kernelInfo();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> gw.kernelModel(shared).path("execution_state").asText().equals("idle"));
            String before = gw.kernelModel(shared).path("last_activity").asText();
            String msgId = ws.sendExecute("import time; time.sleep(1.5)");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> gw.kernelModel(shared).path("execution_state").asText().equals("busy"));
            ws.awaitExecution(msgId, Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> gw.kernelModel(shared).path("execution_state").asText().equals("idle"));
            JsonNode after = gw.kernelModel(shared);
            assertModel(after, shared);
            assertTrue(after.path("last_activity").asText().compareTo(before) > 0,
                    before + " -> " + after.path("last_activity").asText());
        } finally {
            ws.close();
        }
    }

    @Test
    void interruptAnswers204AndStopsTheRunningCell() {
        KernelSocket ws = gw.connect(shared);
        try {
            String msgId = ws.sendExecute("import time\nprint('sleeping', flush=True)\ntime.sleep(60)");
            await().atMost(Duration.ofSeconds(20)).until(() -> ws.stdout(msgId).contains("sleeping"));
            HttpResponse<String> r = gw.post("/api/kernels/" + shared + "/interrupt", "{}");
            assertEquals(204, r.statusCode(), r.body());
            assertEquals("", r.body());
            KernelSocket.Execution done = ws.awaitExecution(msgId, Duration.ofSeconds(10));
            assertEquals("error", done.status());
            assertEquals("KeyboardInterrupt", done.reply().path("content").path("ename").asText());
            // ipykernel may abort a request sent inside the abort window its error reply opens: retry until one runs
            await().atMost(Duration.ofSeconds(10)).until(() -> "42".equals(ws.execute("print(6 * 7)").stdout().trim()));
        } finally {
            ws.close();
        }
    }

    @Test
    void startRestartDelete() {
        HttpResponse<String> created = gw.post("/api/kernels", "{\"name\":\"python3\"}");
        JsonNode model = expect(201, created);
        String id = model.path("id").asText();
        try {
            assertTrue(id.matches("\\w+-\\w+-\\w+-\\w+-\\w+"), id);
            assertEquals("/api/kernels/" + id, created.headers().firstValue("Location").orElse(""));
            assertModel(model, id);
            assertEquals(0, model.path("connections").asInt());
            assertModel(gw.kernelModel(id), id);

            KernelSocket ws = gw.connect(id);
            ws.execute("marker = 41");
            assertEquals("41", ws.execute("print(marker)").stdout().trim());
            ws.close();

            JsonNode restarted = expect(200, gw.post("/api/kernels/" + id + "/restart", "{}"));
            assertModel(restarted, id);
            KernelSocket after = gw.connect(id);
            assertEquals("False", after.execute("print('marker' in globals())").stdout().trim(),
                    "a restart starts a fresh interpreter");
            after.close();

            HttpResponse<String> deleted = gw.delete("/api/kernels/" + id);
            assertEquals(204, deleted.statusCode(), deleted.body());
            assertEquals("", deleted.body());
            assertEquals("Kernel does not exist: " + id, expect(404, gw.get("/api/kernels/" + id))
                    .path("message").asText());
            expect(200, gw.get("/api/kernels")).forEach(k -> assertNotEquals(id, k.path("id").asText()));
            assertEquals(404, gw.delete("/api/kernels/" + id).statusCode());
            assertEquals(404, gw.refusedUpgradeStatus("/api/kernels/" + id + "/channels", b -> {
            }));
        } finally {
            gw.deleteKernel(id);
        }
    }

    @Test
    void sessionsCrud() {
        JsonNode before = expect(200, gw.get("/api/sessions"));
        assertTrue(before.isArray());
        // KG's own test body: the legacy "notebook" form and the "python" kernel name.
        HttpResponse<String> created = gw.post("/api/sessions",
                "{\"id\":\"any\",\"notebook\":{\"path\":\"anywhere\"},\"kernel\":{\"name\":\"python\"}}");
        JsonNode session = expect(201, created);
        String sid = session.path("id").asText();
        String kernelId = session.path("kernel").path("id").asText();
        assertTrue(sid.matches("\\w+-\\w+-\\w+-\\w+-\\w+"), sid);
        assertEquals("/api/sessions/" + sid, created.headers().firstValue("Location").orElse(""));
        assertEquals("anywhere", session.path("notebook").path("path").asText());
        assertModel(session.path("kernel"), kernelId);
        assertModel(gw.kernelModel(kernelId), kernelId);

        JsonNode list = expect(200, gw.get("/api/sessions"));
        assertEquals(before.size() + 1, list.size());
        assertTrue(list.toString().contains(sid));

        assertEquals(sid, expect(200, gw.get("/api/sessions/" + sid)).path("id").asText());
        JsonNode patched = expect(200, gw.send(gw.request("/api/sessions/" + sid)
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"path\":\"elsewhere\"}"))));
        assertEquals("elsewhere", patched.path("notebook").path("path").asText());
        assertEquals(kernelId, patched.path("kernel").path("id").asText());

        // Missing fields are 400s.
        assertEquals(400, gw.post("/api/sessions", "{\"type\":\"notebook\"}").statusCode());
        assertEquals(400, gw.post("/api/sessions", "{\"path\":\"p\"}").statusCode());

        HttpResponse<String> deleted = gw.delete("/api/sessions/" + sid);
        assertEquals(204, deleted.statusCode(), deleted.body());
        assertEquals(before.size(), expect(200, gw.get("/api/sessions")).size());
        assertEquals(404, gw.get("/api/kernels/" + kernelId).statusCode(), "the session's kernel is shut down");
        assertEquals(404, gw.get("/api/sessions/" + sid).statusCode());
        assertFalse(expect(200, gw.get("/api/sessions")).toString().contains(sid));
    }
}
