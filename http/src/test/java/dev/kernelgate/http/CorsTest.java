package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorsTest {

    private static Routes routes(Cors cors) {
        return Routes.builder()
                .cors(cors)
                .auth(TokenAuth.builder("t").build())
                .get("/api/kernels", r -> Responses.json(java.util.List.of()))
                .post("/api/kernels", r -> Responses.json(201, Map.of()))
                .build();
    }

    @Test
    void configuredHeadersOnEveryResponseIncludingErrors() throws Exception {
        Cors cors = Cors.builder().allowOrigin("*").allowHeaders("X-Foo").maxAge("600").allowMethods(" ").build();
        try (TestServer s = new TestServer(routes(cors))) {
            HttpResponse<String> ok = s.get("/api/kernels?token=t");
            assertEquals("*", ok.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals("X-Foo", ok.headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
            assertEquals("600", ok.headers().firstValue("Access-Control-Max-Age").orElseThrow());
            assertFalse(ok.headers().firstValue("Access-Control-Allow-Methods").isPresent());

            HttpResponse<String> unauthorized = s.get("/api/kernels");
            assertEquals(401, unauthorized.statusCode());
            assertEquals("*", unauthorized.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        }
    }

    @Test
    void preflightIs200WithOnlyTheConfiguredHeadersAndNoToken() throws Exception {
        Cors cors = Cors.builder().allowOrigin("https://lab.example").allowMethods("GET, POST")
                .allowCredentials("true").build();
        try (TestServer s = new TestServer(routes(cors))) {
            HttpResponse<String> r = s.send(s.request("/api/kernels")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://lab.example")
                    .header("Access-Control-Request-Method", "POST").build());
            assertEquals(200, r.statusCode());
            assertEquals("", r.body());
            assertEquals("https://lab.example", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals("GET, POST", r.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
            assertEquals("true", r.headers().firstValue("Access-Control-Allow-Credentials").orElseThrow());
            assertFalse(r.headers().firstValue("Access-Control-Allow-Headers").isPresent());
            assertFalse(r.headers().firstValue("Allow").isPresent());
        }
    }

    @Test
    void echoesOriginWhenNoneConfigured() throws Exception {
        try (TestServer s = new TestServer(routes(Cors.builder().echoOriginWhenUnset(true).build()))) {
            HttpResponse<String> r = s.send(s.request("/api/kernels?token=t").header("Origin", "http://x.test").build());
            assertEquals("http://x.test", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        }
    }

    @Test
    void originCheckRefusesForeignOriginsWith404OnRest() throws Exception {
        Cors cors = Cors.builder().allowOrigin("https://lab.example")
                .originCheck(OriginCheck.sameHostOr("https://lab.example")).build();
        try (TestServer s = new TestServer(routes(cors))) {
            String self = "http://127.0.0.1:" + s.port();
            assertEquals(200, s.send(s.request("/api/kernels?token=t").header("Origin", self).build()).statusCode());
            assertEquals(200, s.send(s.request("/api/kernels?token=t").header("Origin", "https://lab.example").build())
                    .statusCode());
            assertEquals(200, s.get("/api/kernels?token=t").statusCode());
            HttpResponse<String> foreign = s.send(s.request("/api/kernels?token=t")
                    .header("Origin", "https://evil.example").build());
            assertEquals(404, foreign.statusCode());
            assertTrue(foreign.body().contains("Not Found"), foreign.body());
        }
    }
}
