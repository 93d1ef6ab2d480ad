package dev.kernelgate.execd.egress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar on loopback: a test nameserver on 127.0.0.2, the proxy on 127.0.0.3, the policy API on 127.0.0.1;
 * real UDP queries and real HTTP requests.
 */
class EgressServerTest {
    private static final String TOKEN = "s3cret-egress-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyDnsServer upstream;
    private EgressServer.Running sidecar;
    private DnsClient dns;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        upstream = new TinyDnsServer(new InetSocketAddress("127.0.0.2", 0),
                Map.of("allowed.test", "198.18.0.10", "blocked.test", "198.18.0.11", "api.svc.test", "198.18.0.12"));
        Map<String, String> env = new HashMap<>();
        env.put(EgressConfig.RULES_ENV, "{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\","
                + "\"target\":\"allowed.test\"},{\"action\":\"allow\",\"target\":\"*.svc.test\"}]}");
        env.put(EgressConfig.TOKEN_ENV, TOKEN);
        env.put(EgressConfig.HTTP_ADDR_ENV, "127.0.0.1:0");
        env.put(EgressConfig.DNS_LISTEN_ENV, "127.0.0.3:0");
        env.put(EgressConfig.DNS_UPSTREAM_ENV, "127.0.0.2:" + upstream.address().getPort());
        sidecar = new EgressServer(EgressConfig.fromEnv(env)).start();
        dns = new DnsClient(sidecar.dns());
    }

    @AfterEach
    void stop() {
        dns.close();
        sidecar.close();
        upstream.close();
    }

    private HttpResponse<String> call(String method, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.api().getPort()
                        + "/policy")).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header(EgressRoutes.TOKEN_HEADER, token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void allowedNamesAreForwardedDeniedOnesGetNxdomain() throws Exception {
        assertEquals(new DnsClient.Answer("NoError", "198.18.0.10"), dns.ask("allowed.test"));
        assertEquals(new DnsClient.Answer("NoError", "198.18.0.12"), dns.ask("API.svc.test"));
        int asked = upstream.queries();
        assertEquals("NXDomain", dns.ask("blocked.test").code());
        assertEquals("NXDomain", dns.ask("svc.test").code());
        assertEquals(asked, upstream.queries(), "denied names never reach the upstream nameserver");
    }

    @Test
    void overTcpToo() throws Exception {
        assertEquals(new DnsClient.Answer("NoError", "198.18.0.10"), dns.askTcp("allowed.test"));
        assertEquals(1, upstream.tcpQueries(), "forwarded over TCP");
        assertEquals("NXDomain", dns.askTcp("blocked.test").code());
        assertEquals(1, upstream.tcpQueries(), "a denied name never reaches the upstream");
        assertEquals(new DnsClient.Answer("NoError", "198.18.0.12"), dns.askTcp("API.svc.test"));
        assertEquals(2, upstream.tcpQueries());
    }

    @Test
    void malformedQueriesAreDroppedAndTheProxyKeepsAnswering() throws Exception {
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket()) {
            for (byte[] junk : new byte[][] {new byte[0], {1, 2, 3}, new byte[12], "not dns at all".getBytes()}) {
                udp.send(new java.net.DatagramPacket(junk, junk.length, sidecar.dns()));
            }
        }
        try (java.net.Socket tcp = new java.net.Socket(sidecar.dns().getAddress(), sidecar.dns().getPort())) {
            tcp.getOutputStream().write(new byte[] {0, 3, 9, 9, 9});
            tcp.setSoTimeout(5000);
            assertEquals(-1, tcp.getInputStream().read(), "a malformed TCP query closes its connection");
        }
        assertEquals(new DnsClient.Answer("NoError", "198.18.0.10"), dns.ask("allowed.test"));
        assertEquals(new DnsClient.Answer("NoError", "198.18.0.10"), dns.askTcp("allowed.test"));
    }

    @Test
    void aPatchTakesEffectForTheNextQuery() throws Exception {
        assertEquals("NXDomain", dns.ask("blocked.test").code());
        HttpResponse<String> patched = call("PATCH", "[{\"action\":\"allow\",\"target\":\"blocked.test\"},"
                + "{\"action\":\"deny\",\"target\":\"allowed.test\"}]", TOKEN);
        assertEquals(200, patched.statusCode(), patched.body());
        JsonNode status = JSON.readTree(patched.body());
        assertEquals("ok", status.path("status").asText());
        assertEquals("enforcing", status.path("mode").asText());
        assertEquals("dns", status.path("enforcementMode").asText());
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertEquals(new DnsClient.Answer("NoError", "198.18.0.11"), dns.ask("blocked.test"));
            assertEquals("NXDomain", dns.ask("allowed.test").code());
        });
        JsonNode policy = JSON.readTree(call("GET", null, TOKEN).body()).path("policy");
        assertEquals("deny", policy.path("defaultAction").asText());
        assertEquals("blocked.test", policy.path("egress").get(0).path("target").asText());
        assertEquals(3, policy.path("egress").size());
    }

    @Test
    void replaceDeleteAndResetChangeThePolicy() throws Exception {
        HttpResponse<String> replaced = call("PUT", "{\"defaultAction\":\"allow\",\"egress\":[{\"action\":\"deny\","
                + "\"target\":\"blocked.test\"}]}", TOKEN);
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals("NoError", dns.ask("api.svc.test").code());
        assertEquals("NXDomain", dns.ask("blocked.test").code());

        HttpResponse<String> deleted = call("DELETE", "[\"BLOCKED.test\"]", TOKEN);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals("allow_all", JSON.readTree(deleted.body()).path("mode").asText());
        assertEquals("NoError", dns.ask("blocked.test").code());
        HttpResponse<String> none = call("DELETE", "[\"nothing.test\"]", TOKEN);
        assertEquals("no matching targets found", JSON.readTree(none.body()).path("reason").asText());

        HttpResponse<String> reset = call("POST", "", TOKEN);
        assertEquals(200, reset.statusCode());
        assertEquals("deny_all", JSON.readTree(reset.body()).path("mode").asText());
        assertEquals("policy reset to default deny-all", JSON.readTree(reset.body()).path("reason").asText());
        assertEquals("NXDomain", dns.ask("allowed.test").code());
    }

    @Test
    void badBodiesGet400WithTheReasonAndThePolicyStays() throws Exception {
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("bad json", new String[] {"POST", "{\"defaultAction\":", "invalid policy: malformed JSON"});
        cases.put("unknown field", new String[] {"POST", "{\"defaultAction\":\"deny\",\"ports\":[1]}",
            "invalid policy: unknown field \"ports\""});
        cases.put("bad action", new String[] {"PATCH", "[{\"action\":\"permit\",\"target\":\"x.test\"}]",
            "invalid patch rules: egress[0]: unsupported action"});
        cases.put("patch object", new String[] {"PATCH", "{\"action\":\"allow\",\"target\":\"x.test\"}",
            "invalid patch rules: egress rules must be a JSON array"});
        cases.put("patch unknown", new String[] {"PATCH", "[{\"action\":\"allow\",\"target\":\"x.test\",\"x\":1}]",
            "invalid patch rules: unknown field \"x\" in egress[0]"});
        cases.put("patch empty", new String[] {"PATCH", "[]", "invalid patch rules: empty array"});
        cases.put("patch no body", new String[] {"PATCH", "", "empty body"});
        cases.put("delete numbers", new String[] {"DELETE", "[1]", "invalid delete targets"});
        cases.put("trailing", new String[] {"POST", "{} {}", "invalid policy: malformed JSON"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            HttpResponse<String> response = call(c.getValue()[0], c.getValue()[1], TOKEN);
            assertEquals(400, response.statusCode(), c.getKey());
            assertTrue(response.body().startsWith(c.getValue()[2]), c.getKey() + ": " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        }
        assertEquals(2, JSON.readTree(call("GET", null, TOKEN).body()).path("policy").path("egress").size());
        assertEquals("NoError", dns.ask("allowed.test").code());
    }

    @Test
    void theTokenGuardsThePolicyButNotHealth() throws Exception {
        assertEquals(401, call("GET", null, null).statusCode());
        HttpResponse<String> wrong = call("PATCH", "[{\"action\":\"allow\",\"target\":\"blocked.test\"}]", "nope");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("AUTH_003"), wrong.body());
        assertEquals("NXDomain", dns.ask("blocked.test").code());
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + sidecar.api().getPort() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("ok", health.body());
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + sidecar.api().getPort() + "/nothing")).header(EgressRoutes.TOKEN_HEADER, TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode());
        assertEquals(200, call("GET", null, TOKEN).statusCode(), "the server keeps serving");
    }

    @Test
    void tooManyRulesGet413() throws Exception {
        StringBuilder rules = new StringBuilder("[");
        for (int i = 0; i <= PolicyHandler.DEFAULT_MAX_RULES; i++) {
            rules.append(i == 0 ? "" : ",").append("{\"action\":\"allow\",\"target\":\"h").append(i).append(".test\"}");
        }
        HttpResponse<String> response = call("PATCH", rules.append(']').toString(), TOKEN);
        assertEquals(413, response.statusCode());
        assertTrue(response.body().contains("exceeds limit 4096"), response.body());
    }

    @Test
    void theResolverFileNamesTheUpstreamAndIsPointedAtTheProxy(@TempDir Path dir) throws Exception {
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "search corp.test\nnameserver 127.0.0.53\nnameserver 192.0.2.1\noptions ndots:1\n");
        assertEquals(java.util.List.of("127.0.0.53", "192.0.2.1"), ResolvConf.nameservers(resolv));
        ResolvConf.pointAt(resolv, new InetSocketAddress("127.0.0.1", 53));
        assertTrue(Files.readString(resolv).contains("\nnameserver 127.0.0.1\n"), Files.readString(resolv));
        assertTrue(Files.readString(resolv).contains("search corp.test\n"));
        assertTrue(Files.readString(resolv).contains("options ndots:1\n"));
        // A sidecar restarted in its Pod reads the proxy first, then the nameservers it replaced: its upstream.
        assertEquals(java.util.List.of("127.0.0.1", "127.0.0.53", "192.0.2.1"), ResolvConf.nameservers(resolv));
        ResolvConf.pointAt(resolv, new InetSocketAddress("127.0.0.1", 53));
        assertEquals(java.util.List.of("127.0.0.1", "127.0.0.53", "192.0.2.1"), ResolvConf.nameservers(resolv));
    }
}
