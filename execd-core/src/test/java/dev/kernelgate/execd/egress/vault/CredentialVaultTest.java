package dev.kernelgate.execd.egress.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.execd.egress.EgressPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The vault's store, validation, matching and header rendering, without a network. */
class CredentialVaultTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "vault-secret-value-42";

    private static EgressPolicy policy(String json) throws Exception {
        return EgressPolicy.parse(JSON.readTree(json));
    }

    private static CredentialVault vault() throws Exception {
        EgressPolicy p = policy("{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":"
                + "\"api.example.test\"},{\"action\":\"allow\",\"target\":\"*.svc.test\"}]}");
        return new CredentialVault(Set.of(80), () -> p);
    }

    private static String binding(String name, String hosts, String paths, String auth) {
        return "{\"name\":\"" + name + "\",\"match\":{\"schemes\":[\"http\"],\"ports\":[80],\"hosts\":" + hosts
                + ",\"methods\":[\"get\"],\"paths\":" + paths + "},\"auth\":" + auth + "}";
    }

    private static String credential(String name, String value) {
        return "{\"name\":\"" + name + "\",\"source\":{\"type\":\"inline\",\"value\":\"" + value + "\"}}";
    }

    @Test
    void everyAuthTypeRendersItsHeadersAndNoResponseCarriesASecret() throws Exception {
        CredentialVault vault = vault();
        ObjectNode state = vault.create("{\"credentials\":[" + credential("t", SECRET) + "," + credential("id",
                "client-id-1") + "],\"bindings\":["
                + binding("bearer", "[\"api.example.test\"]", "[\"/bearer\"]", "{\"type\":\"bearer\",\"credential\":\"t\"}") + ","
                + binding("basic", "[\"api.example.test\"]", "[\"/basic\"]", "{\"type\":\"basic\",\"credential\":\"t\"}") + ","
                + binding("key", "[\"api.example.test\"]", "[\"/key/*\"]",
                        "{\"type\":\"apiKey\",\"name\":\"x-api-key\",\"credential\":\"t\"}") + ","
                + binding("custom", "[\"*.svc.test\"]", "[\"/*\"]", "{\"type\":\"customHeaders\",\"headers\":["
                        + "{\"name\":\"X-Client-Id\",\"credential\":\"id\"},{\"name\":\"x-client-secret\",\"credential\":\"t\"}]}")
                + "]}");
        assertEquals(1, state.path("revision").asLong());
        assertFalse(state.toString().contains(SECRET), state.toString());
        assertFalse(state.toString().contains("client-id-1"), state.toString());
        assertEquals("X-Api-Key", state.path("bindings").get(3).path("auth").path("name").asText(), state.toString());
        assertEquals("inline", state.path("credentials").get(1).path("sourceType").asText());
        assertEquals(List.of("GET"), JSON.convertValue(state.path("bindings").get(0).path("match").path("methods"),
                List.class));

        ActiveVault active = vault.active();
        assertEquals(Map.of("Authorization", "Bearer " + SECRET), headers(active, "api.example.test", "/bearer"));
        assertEquals(Map.of("Authorization", "Basic " + SECRET), headers(active, "API.example.test.", "/basic?x=1"));
        assertEquals(Map.of("X-Api-Key", SECRET), headers(active, "api.example.test", "/key/a/b"));
        assertEquals(Map.of("X-Client-Id", "client-id-1", "X-Client-Secret", SECRET),
                headers(active, "a.b.svc.test", "/anything"));
        // no match: another path, method, port, scheme, the wildcard's apex
        assertInstanceOf(ActiveVault.None.class, active.select("http", "api.example.test", 80, "GET", "/key"));
        assertInstanceOf(ActiveVault.None.class, active.select("http", "api.example.test", 80, "POST", "/bearer"));
        assertInstanceOf(ActiveVault.None.class, active.select("http", "api.example.test", 8080, "GET", "/bearer"));
        assertInstanceOf(ActiveVault.None.class, active.select("https", "api.example.test", 80, "GET", "/bearer"));
        assertInstanceOf(ActiveVault.None.class, active.select("http", "svc.test", 80, "GET", "/x"));
        // TLS is intercepted only for hosts an https binding names (none here: every binding is http)
        assertFalse(active.intercepts("api.example.test", 443));
        assertEquals("Authorization: [REDACTED]; id [REDACTED]", active.redact("Authorization: Bearer " + SECRET
                + "; id client-id-1"));
        assertFalse(active.toString().contains(SECRET));
        assertFalse(vault.state().toString().contains(SECRET));
    }

    private static Map<String, String> headers(ActiveVault active, String host, String path) {
        return headersOf(active.select("http", host.toLowerCase(), 80, "GET", path));
    }

    @Test
    void anExactHostWinsOverAWildcardAndPatchesMoveTheRevision() throws Exception {
        EgressPolicy p = policy("{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":"
                + "\"*.svc.test\"}]}");
        CredentialVault vault = new CredentialVault(Set.of(80), () -> p);
        vault.create("{\"credentials\":[],\"bindings\":[]}");
        ObjectNode state = vault.patch("{\"expectedRevision\":1,\"credentials\":{\"add\":[" + credential("a", "va")
                + "," + credential("b", "vb") + "]},\"bindings\":{\"add\":["
                + binding("wild", "[\"*.svc.test\"]", "[\"/*\"]", "{\"type\":\"bearer\",\"credential\":\"a\"}") + ","
                + binding("exact", "[\"one.svc.test\"]", "[\"/*\"]", "{\"type\":\"bearer\",\"credential\":\"b\"}")
                + "]}}");
        assertEquals(2, state.path("revision").asLong());
        assertEquals(2, state.path("credentials").get(0).path("revision").asLong());
        assertEquals(Map.of("Authorization", "Bearer vb"), headers(vault.active(), "one.svc.test", "/"));
        assertEquals(Map.of("Authorization", "Bearer va"), headers(vault.active(), "two.svc.test", "/"));

        VaultException stale = assertThrows(VaultException.class, () -> vault.patch("{\"expectedRevision\":1}"));
        assertEquals(409, stale.status());
        assertTrue(stale.getMessage().contains("does not match current revision 2"), stale.getMessage());

        state = vault.patch("{\"credentials\":{\"replace\":[" + credential("b", "vb2") + "]}}");
        assertEquals(3, state.path("revision").asLong());
        assertEquals(Map.of("Authorization", "Bearer vb2"), headers(vault.active(), "one.svc.test", "/"));
        // a failed patch changes nothing
        VaultException dangling = assertThrows(VaultException.class,
                () -> vault.patch("{\"credentials\":{\"delete\":[\"b\"]}}"));
        assertEquals(400, dangling.status());
        assertTrue(dangling.getMessage().contains("references unknown credential \"b\""), dangling.getMessage());
        assertEquals(3, vault.state().path("revision").asLong());
        vault.patch("{\"bindings\":{\"delete\":[\"exact\"]},\"credentials\":{\"delete\":[\"b\"]}}");
        assertEquals(Map.of("Authorization", "Bearer va"), headers(vault.active(), "one.svc.test", "/"));
        vault.delete();
        assertInstanceOf(ActiveVault.None.class, vault.active().select("http", "one.svc.test", 80, "GET", "/"));
        assertEquals(404, assertThrows(VaultException.class, vault::state).status());
        assertEquals(404, assertThrows(VaultException.class, vault::delete).status());
    }

    @Test
    void badInputIsRefusedWithAClearMessageThatNeverQuotesASecret() throws Exception {
        CredentialVault vault = vault();
        String ok = "{\"type\":\"bearer\",\"credential\":\"t\"}";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"credentials\":[{\"name\":\"t\",\"source\":{\"value\":" + SECRET + "}}]}", "malformed JSON at line 1");
        cases.put("{\"credentials\":[],\"extra\":1}", "unknown field \"extra\"");
        cases.put("{\"credentials\":[" + credential("t", SECRET) + "],\"bindings\":[" + binding("b",
                "[\"api.example.test\"]", "[\"/\"]", "{\"type\":\"oauth\",\"credential\":\"t\"}") + "]}",
                "unsupported auth type \"oauth\"");
        cases.put("{\"credentials\":[" + credential("t", SECRET) + "],\"bindings\":[" + binding("b",
                "[\"other.test\"]", "[\"/\"]", ok) + "]}", "is not covered by an explicit allow egress rule");
        cases.put("{\"credentials\":[" + credential("t", SECRET) + "],\"bindings\":[" + binding("b",
                "[\"198.18.0.1\"]", "[\"/\"]", ok) + "]}", "must be an FQDN, not an IP address");
        cases.put("{\"credentials\":[" + credential("t", SECRET) + "],\"bindings\":[" + binding("b",
                "[\"api.example.test\"]", "[\"/\"]", "{\"type\":\"apiKey\",\"name\":\"Host\",\"credential\":\"t\"}")
                + "]}", "reserved credential header name \"Host\"");
        cases.put("{\"credentials\":[" + credential("t", SECRET) + "],\"bindings\":[{\"name\":\"b\",\"match\":"
                + "{\"hosts\":[\"api.example.test\"]},\"auth\":" + ok + "}]}",
                "port 443 is not a configured transparent intercept port");
        cases.put("{\"credentials\":[" + credential("t", SECRET) + "],\"bindings\":[" + binding("b",
                "[\"api.example.test\"]", "[\"/a/*\"]", ok) + "," + binding("c", "[\"api.example.test\"]",
                "[\"/a/b\"]", ok) + "]}", "bindings \"b\" and \"c\" can match the same request");
        cases.put("{\"credentials\":[" + credential("t", "") + "]}", "inline value cannot be empty");
        cases.put("{\"credentials\":[" + credential("t", SECRET) + "," + credential("t", SECRET) + "]}",
                "duplicate credential name \"t\"");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            VaultException e = assertThrows(VaultException.class, () -> vault.create(c.getKey()), c.getKey());
            assertEquals(400, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        }
        assertEquals(404, assertThrows(VaultException.class, vault::state).status(), "nothing was created");
        vault.create("{}");
        assertEquals(409, assertThrows(VaultException.class, () -> vault.create("{}")).status());
        VaultException port = assertThrows(VaultException.class, () -> vault.patch("{\"credentials\":{\"add\":["
                + credential("t", SECRET) + "]},\"bindings\":{\"add\":[" + binding("b", "[\"api.example.test\"]",
                "[\"/\"]", ok).replace("[80]", "[8080]") + "]}}"));
        assertTrue(port.getMessage().contains("port 8080 is not a configured transparent intercept port"),
                port.getMessage());
        assertEquals(400, assertThrows(VaultException.class, () -> vault.patch("{\"expectedRevision\":\"x\"}"))
                .status());
    }

    @Test
    void tlsIsInterceptedOnlyForTheHostsAndPortsOfHttpsBindings() throws Exception {
        EgressPolicy p = policy("{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":"
                + "\"*.svc.test\"}]}");
        CredentialVault vault = new CredentialVault(Set.of(80, 443), () -> p);
        vault.create("{\"credentials\":[" + credential("t", SECRET) + "],\"bindings\":[{\"name\":\"b\",\"match\":"
                + "{\"hosts\":[\"*.svc.test\"],\"paths\":[\"/v1/*\"]},\"auth\":{\"type\":\"bearer\",\"credential\":\"t\"}}]}");
        assertTrue(vault.active().intercepts("A.svc.test.", 443));
        assertFalse(vault.active().intercepts("svc.test", 443));
        assertFalse(vault.active().intercepts("a.svc.test", 8443));
        assertFalse(vault.active().intercepts("other.test", 443));
        assertEquals(Map.of("Authorization", "Bearer " + SECRET), headersOf(vault.active().select("https",
                "a.svc.test", 443, "POST", "/v1/messages")));
    }

    private static Map<String, String> headersOf(ActiveVault.Selection s) {
        assertInstanceOf(ActiveVault.Selected.class, s);
        Map<String, String> out = new java.util.TreeMap<>();
        ((ActiveVault.Selected) s).binding().headers().forEach(h -> out.put(h.name(), h.value()));
        return out;
    }

    @Test
    void headerNamesTakeGosCanonicalForm() {
        assertEquals("X-Api-Key", VaultRequests.canonical("x-API-key"));
        assertEquals("Private-Token", VaultRequests.canonical("PRIVATE-TOKEN"));
        assertEquals("Authorization", VaultRequests.canonical("authorization"));
    }
}
