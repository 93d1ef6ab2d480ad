package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token auth with each face's extraction and failure body. */
class AuthTest {

    private static Routes.Builder api() {
        return Routes.builder()
                .errors(new ReasonMessageErrorRenderer(false))
                .get("/api", r -> Responses.json(Map.of("version", "1")))
                .get("/api/swagger.json", r -> Responses.json(Map.of()), RouteOptions.noAuth());
    }

    @Test
    void kernelGatewayQueryOrAuthorizationHeader() throws Exception {
        Routes routes = api().auth(TokenAuth.builder("s3cret").extractor(TokenExtractor.kernelGateway()).build())
                .build();
        try (TestServer s = new TestServer(routes)) {
            assertEquals(200, s.get("/api?token=s3cret").statusCode());
            assertEquals(200, s.send(s.request("/api").header("Authorization", "token s3cret").build()).statusCode());

            HttpResponse<String> missing = s.get("/api");
            assertEquals(401, missing.statusCode());
            assertEquals(TestJson.parse("{\"reason\":\"Unauthorized\",\"message\":\"\"}"), TestJson.parse(missing.body()));

            assertEquals(401, s.get("/api?token=s3cre").statusCode());
            assertEquals(401, s.get("/api?token=s3cret-and-more").statusCode());
            assertEquals(401, s.get("/api?token=").statusCode());
            // KG accepts only the "token" scheme, case-sensitively.
            assertEquals(401, s.send(s.request("/api").header("Authorization", "Bearer s3cret").build()).statusCode());
            assertEquals(401, s.send(s.request("/api").header("Authorization", "Token s3cret").build()).statusCode());
            // The query wins when both are present, even if wrong.
            assertEquals(401, s.send(s.request("/api?token=nope").header("Authorization", "token s3cret").build())
                    .statusCode());

            assertEquals(200, s.get("/api?token=s3cret").statusCode()); // still serving
        }
    }

    @Test
    void optionsAndExemptRoutesNeedNoToken() throws Exception {
        Routes routes = api().auth(TokenAuth.builder("s3cret").build()).build();
        try (TestServer s = new TestServer(routes)) {
            HttpResponse<String> options = s.send(s.request("/api")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(204, options.statusCode()); // no CORS configured: a plain Allow answer
            assertEquals("GET, HEAD, OPTIONS", options.headers().firstValue("Allow").orElseThrow());
            assertEquals(200, s.get("/api/swagger.json").statusCode());
            assertEquals(401, s.get("/api").statusCode());
        }
    }

    @Test
    void unknownPathsFollowTheNotFoundRouteOptions() throws Exception {
        try (TestServer guarded = new TestServer(api().auth(TokenAuth.builder("t").build()).build());
             TestServer open = new TestServer(api().auth(TokenAuth.builder("t").build())
                     .notFound(r -> {
                         throw HttpError.notFound("");
                     }, RouteOptions.noAuth()).build())) {
            assertEquals(401, guarded.get("/nowhere").statusCode());
            assertEquals(404, open.get("/nowhere").statusCode());
        }
    }

    @Test
    void execdHeaderWithItsOwnFailureBody() throws Exception {
        String header = "X-EXECD-ACCESS-TOKEN";
        TokenAuth auth = TokenAuth.builder("abc")
                .extractor(TokenExtractor.header(header))
                .onFailure((request, present) -> Responses.json(401,
                        Map.of("error", "Unauthorized: invalid or missing header " + header)))
                .build();
        Routes routes = Routes.builder().errors(CodeMessageErrorRenderer.withFallbackCode("RUNTIME_ERROR"))
                .auth(auth).get("/ping", r -> Responses.empty(200)).build();
        try (TestServer s = new TestServer(routes)) {
            assertEquals(200, s.send(s.request("/ping").header(header, "abc").build()).statusCode());
            HttpResponse<String> r = s.send(s.request("/ping").header(header, "abd").build());
            assertEquals(401, r.statusCode());
            assertEquals("{\"error\":\"Unauthorized: invalid or missing header X-EXECD-ACCESS-TOKEN\"}", r.body());
            assertEquals(401, s.get("/ping?token=abc").statusCode());
        }
    }

    @Test
    void lifecycleDistinguishesMissingFromInvalidKey() throws Exception {
        TokenAuth auth = TokenAuth.builder("key")
                .extractor(TokenExtractor.header("OPEN-SANDBOX-API-KEY"))
                .onFailure((request, present) -> {
                    throw HttpError.unauthorized(present ? "Invalid API key" : "Missing API key")
                            .withCode(present ? "INVALID_API_KEY" : "MISSING_API_KEY");
                })
                .build();
        Routes routes = Routes.builder().errors(CodeMessageErrorRenderer.withFallbackCode("GENERAL::UNKNOWN_ERROR"))
                .auth(auth)
                .get("/v1/sandboxes", r -> Responses.json(Map.of("items", java.util.List.of())))
                .get("/health", r -> Responses.json(Map.of("status", "healthy")), RouteOptions.noAuth())
                .build();
        try (TestServer s = new TestServer(routes)) {
            assertEquals(TestJson.parse("{\"code\":\"MISSING_API_KEY\",\"message\":\"Missing API key\"}"),
                    TestJson.parse(s.get("/v1/sandboxes").body()));
            assertEquals(TestJson.parse("{\"code\":\"INVALID_API_KEY\",\"message\":\"Invalid API key\"}"),
                    TestJson.parse(s.send(s.request("/v1/sandboxes").header("OPEN-SANDBOX-API-KEY", "x").build())
                            .body()));
            assertEquals(200, s.send(s.request("/v1/sandboxes").header("OPEN-SANDBOX-API-KEY", "key").build())
                    .statusCode());
            assertEquals(200, s.get("/health").statusCode());
        }
    }

    @Test
    void emptyTokenDisablesAuth() throws Exception {
        assertFalse(TokenAuth.builder("").build().isEnabled());
        assertFalse(TokenAuth.builder(null).build().isEnabled());
        try (TestServer s = new TestServer(api().auth(TokenAuth.builder("").build()).build())) {
            assertEquals(200, s.get("/api").statusCode());
        }
    }
}
