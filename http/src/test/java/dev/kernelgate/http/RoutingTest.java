package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Route table behaviour over real HTTP, with a face-specific error format. */
class RoutingTest {

    /** A made-up face format, to prove 404/405 go through the face and not a built-in body. */
    static final ErrorRenderer TEST_FORMAT = (error, request) ->
            Responses.json(error.status(), Map.of("status", error.status(), "why", error.message(),
                    "path", request.rawPath()));

    /** Jupyter Server's APIHandler format, which KG uses on its kernel-action routes only. */
    static final ErrorRenderer JUPYTER_SERVER_FORMAT = (error, request) -> {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("message", error.message());
        body.put("reason", null);
        return Responses.json(error.status(), body);
    };

    static TestServer server;

    @BeforeAll
    static void start() {
        String kid = "{kernel_id:\\w+-\\w+-\\w+-\\w+-\\w+}";
        server = new TestServer(Routes.builder()
                .basePath("/base/")
                .errors(TEST_FORMAT)
                .get("/api", r -> Responses.json(Map.of("version", "1")))
                .get("/api/kernels/" + kid, r -> Responses.json(Map.of("id", r.pathParam("kernel_id"))))
                .delete("/api/kernels/" + kid, r -> Responses.noContent())
                .post("/api/kernels/" + kid + "/{action:restart|interrupt}",
                        r -> Responses.json(Map.of("action", r.pathParam("action"))))
                .get("/api/kernelspecs/{name:[\\w.%-]+}", r -> Responses.json(Map.of("name", r.pathParam("name"))))
                .get("/kernelspecs/{name}/{path:.*}",
                        r -> Responses.json(Map.of("name", r.pathParam("name"), "path", r.pathParam("path"))))
                .get("/echo", r -> Responses.json(Map.of("q", r.queryAll("q"), "path", r.path())))
                .post("/api/kernels/" + kid + "/restart-js2", r -> {
                    throw HttpError.notFound("Kernel does not exist: " + r.pathParam("kernel_id"));
                }, RouteOptions.defaults().withErrors(JUPYTER_SERVER_FORMAT))
                .decorate((request, headers) -> headers.set("X-Request-ID",
                        request.header("X-Request-ID") != null ? request.header("X-Request-ID") : "generated"))
                .get("/boom", r -> {
                    throw new IllegalStateException("kaput");
                })
                .build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void regexParamsRouteAndDecode() throws Exception {
        HttpResponse<String> r = server.get("/base/api/kernels/e976f6a2-a6f8-4140-8797-5c64aac32cf9");
        assertEquals(200, r.statusCode());
        assertEquals("{\"id\":\"e976f6a2-a6f8-4140-8797-5c64aac32cf9\"}", r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());

        HttpResponse<String> action = server.send(server.request(
                "/base/api/kernels/e976f6a2-a6f8-4140-8797-5c64aac32cf9/interrupt")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals("{\"action\":\"interrupt\"}", action.body());

        assertEquals("{\"name\":\"my kernel\"}", server.get("/base/api/kernelspecs/my%20kernel").body());
        assertEquals(TestJson.parse("{\"name\":\"python3\",\"path\":\"sub/logo-64x64.png\"}"),
                TestJson.parse(server.get("/base/kernelspecs/python3/sub/logo-64x64.png").body()));
    }

    @Test
    void nonMatchingRegexFallsThroughTo404InFaceFormat() throws Exception {
        HttpResponse<String> r = server.get("/base/api/kernels/not-a-kernel-id");
        assertEquals(404, r.statusCode());
        assertEquals(TestJson.parse("{\"status\":404,\"why\":\"\",\"path\":\"/base/api/kernels/not-a-kernel-id\"}"),
                TestJson.parse(r.body()));
    }

    @Test
    void basePathIsRequired() throws Exception {
        assertEquals(404, server.get("/api").statusCode());
        assertEquals(200, server.get("/base/api").statusCode());
    }

    @Test
    void wrongMethodIs405WithAllowInFaceFormat() throws Exception {
        HttpResponse<String> r = server.send(server.request("/base/api/kernels/a-b-c-d-e")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD, DELETE, OPTIONS", r.headers().firstValue("Allow").orElseThrow());
        assertTrue(r.body().contains("\"status\":405"), r.body());
    }

    @Test
    void headUsesTheGetRouteWithoutBody() throws Exception {
        HttpResponse<String> r = server.send(server.request("/base/api").method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, r.statusCode());
        assertEquals("", r.body());
        assertEquals("15", r.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(200, server.get("/base/api").statusCode()); // connection still in sync
    }

    @Test
    void queryParamsAreDecodedAndRepeatable() throws Exception {
        HttpResponse<String> r = server.get("/base/echo?q=a+b&q=c%26d&other=1");
        assertEquals(TestJson.parse("{\"q\":[\"a b\",\"c&d\"],\"path\":\"/base/echo\"}"), TestJson.parse(r.body()));
    }

    @Test
    void unknownExceptionIs500AndServerKeepsServing() throws Exception {
        HttpResponse<String> r = server.get("/base/boom");
        assertEquals(500, r.statusCode());
        assertTrue(r.body().contains("\"status\":500"), r.body());
        assertEquals(200, server.get("/base/api").statusCode());
    }

    @Test
    void aRouteCanUseItsOwnErrorFormat() throws Exception {
        HttpResponse<String> r = server.send(server.request("/base/api/kernels/a-b-c-d-e/restart-js2")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(404, r.statusCode());
        assertEquals("{\"message\":\"Kernel does not exist: a-b-c-d-e\",\"reason\":null}", r.body());
    }

    @Test
    void decoratorsRunOnEveryResponse() throws Exception {
        assertEquals("generated", server.get("/base/api").headers().firstValue("X-Request-ID").orElseThrow());
        HttpResponse<String> missing = server.send(server.request("/base/nope").header("X-Request-ID", "r-1").build());
        assertEquals(404, missing.statusCode());
        assertEquals("r-1", missing.headers().firstValue("X-Request-ID").orElseThrow());
    }

    @Test
    void describeListsRoutesInOrder() {
        List<String> routes = Routes.builder().basePath("/b").get("/x", r -> Responses.noContent())
                .ws("/y", r -> null).build().describe();
        assertEquals(List.of("GET /b/x", "WS /b/y"), routes);
    }

    @Test
    void headOnAWebSocketOnlyPathIs405WithoutHeadInAllow() {
        // HEAD never falls back to a WebSocket route, so Allow must not offer it (it listed HEAD before)
        Routes routes = Routes.builder().ws("/ws", r -> null).build();
        Resolution resolution = routes.resolve(io.netty.handler.codec.http.HttpMethod.HEAD, "/ws", false);
        assertEquals(new Resolution.MethodNotAllowed(java.util.Set.of("GET", "OPTIONS"), false), resolution);
    }
}
