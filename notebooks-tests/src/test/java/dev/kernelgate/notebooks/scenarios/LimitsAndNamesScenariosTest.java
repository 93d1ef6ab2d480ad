package dev.kernelgate.notebooks.scenarios;

import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.expect;
import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KG's scenarios for max_kernels, discovery (listing) off by default, and default / forced kernel names. */
class LimitsAndNamesScenariosTest {

    @Test
    void maxKernelsAndNoDiscovery(@TempDir Path dir) throws Exception {
        try (ScenarioGateway gw = ScenarioGateway.start(dir, Map.of("KG_MAX_KERNELS", "1"))) {
            // Listing is off by default: kernels and sessions.
            assertEquals(json("{\"reason\":\"Forbidden\",\"message\":\"Forbidden\"}"), expect(403, gw.get("/api/kernels")));
            assertEquals(json("{\"reason\":\"Forbidden\",\"message\":\"Forbidden\"}"),
                    expect(403, gw.get("/api/sessions")));

            String first = gw.startKernelId("{}");
            JsonNode limit = json("{\"reason\":\"Forbidden\",\"message\":\"Resource Limit\"}");
            assertEquals(limit, expect(403, gw.post("/api/kernels", "{}")));
            // The limit is checked before the body is read, as upstream does.
            assertEquals(limit, expect(403, gw.post("/api/kernels", "not json")));
            assertEquals(limit, expect(403, gw.send(gw.request("/api/kernels")
                    .POST(HttpRequest.BodyPublishers.noBody()))));
            expect(200, gw.get("/api/kernels/" + first));

            assertEquals(204, gw.delete("/api/kernels/" + first).statusCode());
            String second = gw.startKernelId("{}");
            assertTrue(!second.equals(first));
            assertEquals(limit, expect(403, gw.post("/api/kernels", "{\"name\":\"python3\"}")));
            gw.deleteKernel(second);
        }
    }

    @Test
    void aMissingDefaultKernelIsAServerError(@TempDir Path dir) throws Exception {
        try (ScenarioGateway gw = ScenarioGateway.start(dir, Map.of(),
                "--KernelGatewayApp.default_kernel_name=fake-kernel")) {
            assertEquals("fake-kernel", expect(200, gw.get("/api/kernelspecs")).path("default").asText());
            for (String body : new String[] {"", "{}"}) {
                JsonNode error = expect(500, gw.post("/api/kernels", body));
                assertEquals("Internal Server Error", error.path("reason").asText());
                assertEquals("Unknown server error", error.path("message").asText());
                assertTrue(error.path("traceback").asText().contains("fake-kernel"), error.toString());
            }
            assertTrue(gw.fixture().running().kernels().list().isEmpty(), "the failures left no kernel behind");
        }
    }

    @Test
    void aForcedKernelNameWins(@TempDir Path dir) throws Exception {
        try (ScenarioGateway gw = ScenarioGateway.start(dir, Map.of("KG_LIST_KERNELS", "True"),
                "--KernelGatewayApp.force_kernel_name=python3", "--KernelGatewayApp.default_kernel_name=ir")) {
            JsonNode model = gw.startKernel("{\"name\": \"fake-kernel\"}");
            assertEquals("python3", model.path("name").asText());
            JsonNode implicit = gw.startKernel("{}");
            assertEquals("python3", implicit.path("name").asText());
            assertEquals(2, expect(200, gw.get("/api/kernels")).size());
            KernelSocket ws = gw.connect(implicit.path("id").asText());
            assertEquals("python", ws.kernelInfo().path("content").path("language_info").path("name").asText());
            ws.close();
        }
    }
}
