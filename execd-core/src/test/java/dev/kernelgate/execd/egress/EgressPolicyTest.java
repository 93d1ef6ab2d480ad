package dev.kernelgate.execd.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EgressPolicy policy(String json) throws Exception {
        return EgressPolicy.parse(JSON.readTree(json));
    }

    @Test
    void firstMatchingDomainRuleDecidesElseTheDefault() throws Exception {
        EgressPolicy p = policy("{\"defaultAction\":\"deny\",\"egress\":["
                + "{\"action\":\"deny\",\"target\":\"bad.example.com\"},"
                + "{\"action\":\"allow\",\"target\":\"*.example.com\"},"
                + "{\"action\":\"allow\",\"target\":\"Api.Other.org\"},"
                + "{\"action\":\"allow\",\"target\":\"10.1.2.3\"},"
                + "{\"action\":\"allow\",\"target\":\"10.9.0.0/16\"}]}");
        assertEquals("deny", p.evaluate("bad.example.com"));
        assertEquals("allow", p.evaluate("good.example.com."));
        assertEquals("allow", p.evaluate("a.b.EXAMPLE.com"));
        // a wildcard covers names below its suffix, never the suffix itself
        assertEquals("deny", p.evaluate("example.com"));
        assertEquals("allow", p.evaluate("api.other.org"));
        assertEquals("deny", p.evaluate("other.org"));
        // address rules do not judge names
        assertEquals("deny", p.evaluate("10.1.2.3"));
        assertEquals(EgressRule.Kind.IP, p.egress().get(3).kind());
        assertEquals(EgressRule.Kind.CIDR, p.egress().get(4).kind());
        assertEquals("enforcing", p.mode());
    }

    @Test
    void aWildcardListedFirstBeatsALaterExactDeny() throws Exception {
        EgressPolicy p = policy("{\"defaultAction\":\"allow\",\"egress\":["
                + "{\"action\":\"allow\",\"target\":\"*.example.com\"},"
                + "{\"action\":\"deny\",\"target\":\"x.example.com\"}]}");
        assertEquals("allow", p.evaluate("x.example.com"));
        assertEquals("allow", p.evaluate("unlisted.net"));
    }

    @Test
    void emptyAndNullPoliciesDenyEverything() throws Exception {
        assertEquals(EgressPolicy.DENY_ALL, policy("null"));
        assertEquals(EgressPolicy.DENY_ALL, policy("{}"));
        assertEquals("deny_all", policy("{}").mode());
        assertEquals("allow_all", policy("{\"defaultAction\":\"ALLOW\"}").mode());
        assertFalse(EgressPolicy.DENY_ALL.allows("example.com"));
    }

    @Test
    void badPoliciesAreRefusedWithTheReason() {
        assertTrue(assertThrows(PolicyException.class, () -> policy("{\"defaultAction\":\"deny\",\"extra\":1}"))
                .getMessage().contains("unknown field \"extra\""));
        assertTrue(assertThrows(PolicyException.class, () -> policy("{\"egress\":[{\"action\":\"maybe\","
                + "\"target\":\"a.com\"}]}")).getMessage().contains("unsupported action"));
        assertTrue(assertThrows(PolicyException.class, () -> policy("{\"egress\":[{\"action\":\"allow\"}]}"))
                .getMessage().contains("target cannot be empty"));
        assertTrue(assertThrows(PolicyException.class, () -> policy("{\"egress\":[{\"action\":\"allow\","
                + "\"target\":\"10.0.0.0/40\"}]}")).getMessage().contains("prefix length"));
        assertTrue(assertThrows(PolicyException.class, () -> policy("{\"egress\":[{\"action\":\"allow\","
                + "\"target\":\"a.com\",\"port\":443}]}")).getMessage().contains("unknown field \"port\" in egress[0]"));
        assertTrue(assertThrows(PolicyException.class, () -> policy("{\"defaultAction\":\"block\"}"))
                .getMessage().contains("unsupported defaultAction"));
        assertTrue(assertThrows(PolicyException.class, () -> policy("[1]")).getMessage().contains("JSON object"));
    }

    @Test
    void patchPutsNewRulesFirstAndReplacesTheSameTargetDeleteRemovesByTarget() throws Exception {
        EgressPolicy p = policy("{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":\"a.com\"},"
                + "{\"action\":\"allow\",\"target\":\"b.com\"}]}");
        EgressPolicy patched = p.patched(List.of(EgressRule.of("deny", "A.com"), EgressRule.of("allow", "c.com")));
        assertEquals(List.of(new EgressRule("deny", "a.com"), new EgressRule("allow", "c.com"),
                new EgressRule("allow", "b.com")), patched.egress());
        assertEquals(List.of(new EgressRule("allow", "c.com")), patched.without(List.of("A.COM", "b.com", "zz"))
                .egress());
    }

    @Test
    void addressBlocksMatchTheirAddressesOnly() {
        IpBlock block = IpBlock.parse("198.18.0.0/24");
        assertTrue(block.contains(new byte[] {(byte) 198, 18, 0, 77}));
        assertFalse(block.contains(new byte[] {(byte) 198, 18, 1, 1}));
        assertFalse(IpBlock.isAddress("999.1.1.1"));
        assertFalse(IpBlock.isAddress("example.com"));
        assertTrue(IpBlock.isAddress("fd00::1"));
    }
}
