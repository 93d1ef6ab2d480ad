package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes route matching on a table shaped like the real faces' (regex parameters, a catch-all, a WebSocket route,
 * the port proxy): any request target resolves to a route, a 405 or a 404 without throwing, and a route found
 * really matches the path. Input: first byte picks the method (low bits) and the upgrade flag (bit 7), the rest is
 * the request target. Regression inputs: {@code RoutesFuzzTestInputs/resolve/} under the test resources.
 */
class RoutesFuzzTest {
    private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.valueOf("BREW"));
    private static final String ID = "{id:\\w+-\\w+-\\w+-\\w+-\\w+}";
    private static final RouteHandler OK = request -> Responses.noContent();

    private final Routes routes = Routes.builder()
            .basePath("/base/")
            .get("/api", OK)
            .get("/api/kernels", OK).post("/api/kernels", OK)
            .get("/api/kernels/" + ID, OK).delete("/api/kernels/" + ID, OK)
            .post("/api/kernels/" + ID + "/interrupt", OK)
            .ws("/api/kernels/" + ID + "/channels", request -> null)
            .get("/api/kernelspecs/{name:[\\w.\\-%]+}", OK)
            .get("/kernelspecs/{name}/{path:.*}", OK)
            .head("/files/{path:.*}", OK)
            .patch("/sandboxes/{id}/metadata", OK)
            .get("/sandboxes/{id}/endpoints/{port}", OK)
            .proxy("/proxy/{port}")
            .build();

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    void resolve(byte[] input) {
        if (input.length == 0) {
            return;
        }
        HttpMethod method = METHODS.get(input[0] & 7);
        boolean upgrade = input[0] < 0;
        String uri = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);

        PortProxy.Target target = routes.matchProxy(uri);
        if (target != null) {
            assertEquals(target.validPort(), target.port() >= 1 && target.port() <= 65535);
            assertTrue(target.path().startsWith("/"), target.path());
        }

        String rawPath = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, 1024, true).rawPath();
        rawPath = rawPath.isEmpty() ? "/" : rawPath;
        Resolution resolution = routes.resolve(method, rawPath, upgrade);
        assertNotNull(resolution);
        if (resolution instanceof Resolution.Found found) {
            assertEquals(found.params(), found.route().match(rawPath));
            assertTrue(found.route().isWebSocket() || found.route().method().equals(method.name())
                    || method == HttpMethod.HEAD && found.route().method().equals("GET"), found.route().toString());
        } else if (resolution instanceof Resolution.MethodNotAllowed notAllowed) {
            assertTrue(notAllowed.allowed().contains("OPTIONS"));
            // a method the path allows would have been routed (OPTIONS is answered by the preflight instead)
            assertFalse(!method.equals(HttpMethod.OPTIONS) && notAllowed.allowed().contains(method.name()),
                    notAllowed.toString());
        }
    }
}
