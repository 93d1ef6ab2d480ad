package dev.kernelgate.execd.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The nat chain the vault installs (the docker test runs it in a real namespace). */
class HttpRedirectTest {
    @Test
    void theProxysOwnMarkedConnectionsAndLoopbackPassEverythingElseToThePortsIsRedirected() {
        assertEquals("""
                *nat
                :KG_EGRESS_VAULT - [0:0]
                -A KG_EGRESS_VAULT -m mark --mark 0x6b67 -j RETURN
                -A KG_EGRESS_VAULT -d 127.0.0.0/8 -j RETURN
                -A KG_EGRESS_VAULT -p tcp --dport 80 -j REDIRECT --to-ports 15080
                -A KG_EGRESS_VAULT -p tcp --dport 8080 -j REDIRECT --to-ports 15080
                COMMIT
                """, HttpRedirect.rules(Set.of(8080, 80), 15080));
    }
}
