package dev.kernelgate.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.gateway.GatewaySettings;
import dev.kernelgate.gateway.KernelGatewayServer;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unknown kernel name answers what upstream answers, 500 (KG: {@code {"reason","message","traceback"}} with
 * {@code "Unknown server error"}), but the traceback is one line saying which name is unknown: no Java stack trace,
 * no class names.
 */
class UnknownKernelNameTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownKernelNameIsA500WithoutInternals() throws Exception {
        KernelManagerConfig manager = KernelManagerConfig.defaults(Map.of()).withRuntimeDir(dir);
        try (KernelGatewayServer.Running gw = new KernelGatewayServer(GatewaySettings.parse(Map.of(),
                List.of("--port=0")), Map.of(), manager).start()) {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gw.port() + "/api/kernels"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"../../x\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(500, reply.statusCode(), reply.body());
            JsonNode body = new ObjectMapper().readTree(reply.body());
            assertEquals("Internal Server Error", body.path("reason").asText());
            assertEquals("Unknown server error", body.path("message").asText());
            assertEquals("No such kernel named ../../x", body.path("traceback").asText());
            assertFalse(reply.body().contains("dev.kernelgate"), reply.body());
            assertFalse(reply.body().contains("Exception"), reply.body());
            assertFalse(reply.body().contains("\\tat "), reply.body());
            assertTrue(gw.kernels().list().isEmpty(), "no kernel was started");
        }
    }
}
