package dev.kernelgate.notebooks.scenarios;

import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.expect;
import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KG's CORS scenarios (configured headers on every response, preflight) and the origin check (REST 404, WS 403). */
class CorsAndOriginScenariosTest {
    private static final String FAKE_ID = "00000000-0000-0000-0000-000000000000";
    private static final String ALLOWED = "https://jupyter.org";
    private static final String EVIL = "http://fake.com:8888";
    /** Everything but allow_credentials, to show that unset headers stay away. */
    private static final Map<String, String> CONFIGURED = Map.of(
            "access-control-allow-origin", ALLOWED,
            "access-control-allow-headers", "Authorization,Content-Type",
            "access-control-allow-methods", "GET,POST,OPTIONS",
            "access-control-expose-headers", "X-My-Fake-Header",
            "access-control-max-age", "600");

    @TempDir
    static Path dir;
    static ScenarioGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = ScenarioGateway.start(dir, Map.of(
                "KG_ALLOW_ORIGIN", ALLOWED,
                "KG_ALLOW_HEADERS", "Authorization,Content-Type",
                "KG_ALLOW_METHODS", "GET,POST,OPTIONS",
                "KG_EXPOSE_HEADERS", "X-My-Fake-Header",
                "KG_MAX_AGE", "600",
                "KG_LIST_KERNELS", "True"));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    /** The response's Access-Control-* headers, names lower-cased. */
    private static Map<String, String> cors(HttpResponse<?> r) {
        Map<String, String> out = new TreeMap<>();
        r.headers().map().forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.startsWith("access-control-")) {
                assertEquals(1, values.size(), name + " appears once");
                out.put(n, values.get(0));
            }
        });
        return out;
    }

    @Test
    void configuredHeadersOnEveryResponse() {
        List<HttpResponse<String>> responses = List.of(
                gw.get("/api"),
                gw.get("/api/kernels"),
                gw.get("/api/kernelspecs"),
                gw.get("/api/kernels/" + FAKE_ID),
                gw.post("/api/kernels", "not json"),
                gw.post("/api/kernels/" + FAKE_ID + "/interrupt", "{}"),
                gw.get("/api/swagger.json"));
        for (HttpResponse<String> r : responses) {
            assertEquals(new TreeMap<>(CONFIGURED), cors(r), r.request().method() + " " + r.uri());
            assertTrue(r.headers().firstValue("Content-Security-Policy").isEmpty(), "no CSP on " + r.uri());
        }
    }

    @Test
    void preflightAnswers200WithTheConfiguredHeadersOnly() {
        for (String path : List.of("/api", "/api/kernels", "/api/kernelspecs", "/api/kernels/" + FAKE_ID,
                "/api/kernels/" + FAKE_ID + "/channels", "/api/kernels/" + FAKE_ID + "/restart", "/api/sessions")) {
            HttpResponse<String> r = gw.send(gw.request(path)
                    .header("Origin", ALLOWED)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "Authorization")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, r.statusCode(), "OPTIONS " + path);
            assertEquals("", r.body());
            assertEquals(new TreeMap<>(CONFIGURED), cors(r), "OPTIONS " + path);
        }
    }

    @Test
    void originCheck() {
        String sameHost = "http://127.0.0.1:" + gw.port();
        assertEquals(200, gw.send(gw.request("/api/kernelspecs").header("Origin", ALLOWED)).statusCode());
        assertEquals(200, gw.send(gw.request("/api/kernelspecs").header("Origin", sameHost)).statusCode());
        assertEquals(200, gw.get("/api/kernelspecs").statusCode(), "no Origin: scripts pass");

        HttpResponse<String> refused = gw.send(gw.request("/api/kernelspecs").header("Origin", EVIL));
        assertEquals(404, refused.statusCode());
        assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"\"}"), json(refused));
        assertEquals(404, gw.send(gw.request("/api").header("Origin", EVIL)).statusCode());
        assertEquals(404, gw.send(gw.request("/api/kernels").header("Origin", EVIL)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode());

        String channels = "/api/kernels/" + FAKE_ID + "/channels";
        assertEquals(403, gw.refusedUpgradeStatus(channels, b -> b.header("Origin", EVIL)));
        // An allowed origin gets past the check to the kernel lookup.
        assertEquals(404, gw.refusedUpgradeStatus(channels, b -> b.header("Origin", ALLOWED)));
        assertEquals(404, gw.refusedUpgradeStatus(channels, b -> b.header("Origin", sameHost)));
    }

    @Test
    void anyOriginWithAStar(@TempDir Path starDir) throws Exception {
        try (ScenarioGateway star = ScenarioGateway.start(starDir, Map.of("KG_ALLOW_ORIGIN", "*"))) {
            HttpResponse<String> r = star.send(star.request("/api/kernelspecs").header("Origin", EVIL));
            assertEquals(200, r.statusCode());
            assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertEquals(404, star.refusedUpgradeStatus("/api/kernels/" + FAKE_ID + "/channels",
                    b -> b.header("Origin", EVIL)));
        }
    }

    @Test
    void withoutConfigurationOnlyTheSameHostPassesAndTheOriginIsEchoed(@TempDir Path plainDir) throws Exception {
        try (ScenarioGateway plain = ScenarioGateway.start(plainDir, Map.of())) {
            String sameHost = "http://127.0.0.1:" + plain.port();
            HttpResponse<String> ok = plain.send(plain.request("/api").header("Origin", sameHost));
            assertEquals(200, ok.statusCode());
            // jupyter_server's quirk for token-authenticated requests (always, behind KG): the origin is echoed.
            assertEquals(Map.of("access-control-allow-origin", sameHost), cors(ok));
            assertEquals(404, plain.send(plain.request("/api").header("Origin", EVIL)).statusCode());
            assertEquals(403, plain.refusedUpgradeStatus("/api/kernels/" + FAKE_ID + "/channels",
                    b -> b.header("Origin", EVIL)));
            expect(200, plain.get("/api"));
        }
    }
}
