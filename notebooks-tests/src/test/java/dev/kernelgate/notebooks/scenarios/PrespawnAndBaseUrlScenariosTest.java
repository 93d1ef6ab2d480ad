package dev.kernelgate.notebooks.scenarios;

import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.expect;
import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.notebooks.GatewayFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KG's prespawn scenarios (a warm pool serves POSTs) and base_url (every route under it, nothing outside). */
class PrespawnAndBaseUrlScenariosTest {

    @Test
    void prespawnedKernelsServePostsAndThePoolRefills(@TempDir Path dir) throws Exception {
        try (ScenarioGateway gw = ScenarioGateway.start(dir, Map.of("KG_LIST_KERNELS", "True"),
                "--KernelGatewayApp.prespawn_count=2")) {
            // Kernels of the pool are not in the API, not even while they start.
            assertEquals(0, expect(200, gw.get("/api/kernels")).size());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> warm(gw) == 2);
            // Kernelgate keeps the pool out of the API until a POST takes a kernel (KG lists prespawned kernels).
            assertEquals(0, expect(200, gw.get("/api/kernels")).size());

            long started = System.nanoTime();
            JsonNode model = gw.startKernel("{}");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals("idle", model.path("execution_state").asText(),
                    "a pooled kernel has answered kernel_info already: " + model);
            assertTrue(millis < 500, "served from the pool in " + millis + " ms");
            String id = model.path("id").asText();
            JsonNode listed = expect(200, gw.get("/api/kernels"));
            assertEquals(1, listed.size());
            assertEquals(id, listed.get(0).path("id").asText());

            KernelSocket ws = gw.connect(id);
            assertEquals("ok", ws.kernelInfo().path("content").path("status").asText());
            ws.close();

            // The pool refills in the background.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        assertEquals(1, expect(200, gw.get("/api/kernels")).size(), "a refilling pool stays hidden");
                        return warm(gw) == 2 && gw.fixture().running().kernels().manager().list().size() == 3;
                    });
        }
    }

    /** Kernels of the pool: they run, answered kernel_info, were warmed and are not in the API. */
    private static long warm(ScenarioGateway gw) {
        var service = gw.fixture().running().kernels();
        long hidden = service.manager().list().stream()
                .filter(k -> k.state() == Kernel.State.RUNNING && service.get(k.id()).isEmpty())
                .count();
        return Math.min(hidden, service.pooledCount());
    }

    @Test
    void prespawningMoreThanTheLimitIsRefusedAtStartup(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayFixture.start(dir, Map.of("KG_MAX_KERNELS", "2"), "--KernelGatewayApp.prespawn_count=3"));
        assertTrue(e.getMessage().contains("prespawn_count"), e.getMessage());
    }

    @Test
    void everyRouteLivesUnderTheBaseUrl(@TempDir Path dir) throws Exception {
        try (ScenarioGateway gw = ScenarioGateway.start(dir, "/fake/path", Map.of("KG_LIST_KERNELS", "True"),
                "--KernelGatewayApp.base_url=/fake/path")) {
            expect(200, gw.get("/api"));
            expect(200, gw.get("/api/kernels"));
            expect(200, gw.get("/api/swagger.json"));
            JsonNode specs = expect(200, gw.get("/api/kernelspecs"));
            String logo = specs.path("kernelspecs").path("python3").path("resources").path("logo-64x64").asText();
            assertEquals("/fake/path/kernelspecs/python3/logo-64x64.png", logo);
            assertEquals(200, gw.send(gw.rawRequest(logo).GET()).statusCode());

            // Nothing outside the base.
            for (String path : new String[] {"/api", "/api/kernels", "/api/kernelspecs", "/api/swagger.json",
                    "/kernelspecs/python3/logo-64x64.png", "/fake", "/fake/pathology/api", "/"}) {
                HttpResponse<String> r = gw.send(gw.rawRequest(path).GET());
                assertEquals(404, r.statusCode(), path);
                assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"\"}"), json(r), path);
            }

            HttpResponse<String> created = gw.post("/api/kernels", "{}");
            String id = expect(201, created).path("id").asText();
            assertEquals("/fake/path/api/kernels/" + id, created.headers().firstValue("Location").orElse(""));
            KernelSocket ws = gw.connect(id);
            assertEquals("ok", ws.kernelInfo().path("content").path("status").asText());
            ws.close();
            assertEquals(404, gw.refusedUpgradeStatus("/api/kernels/" + id + "/channels", b -> {
            }));
            assertEquals(204, gw.delete("/api/kernels/" + id).statusCode());
        }
    }
}
