package dev.kernelgate.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.EgressSettings;
import dev.kernelgate.runtime.spi.SandboxException;
import org.junit.jupiter.api.Test;

/** What a docker egress sidecar cannot enforce is refused before anything is created (no engine needed). */
class EgressSidecarsTest {
    private static EgressSidecars sidecars(String mode, boolean disableIpv6) {
        return new EgressSidecars(null, null, null, ContainerSecurity.defaults(),
                new EgressSettings(null, mode, disableIpv6, null), null, null, null, null);
    }

    @Test
    void onlyBridgeNetworkingAndDnsNftOnlyWithIpv6Off() {
        sidecars("dns", true).check(NetworkMode.BRIDGE, false);
        sidecars("dns", false).check(NetworkMode.BRIDGE, false);
        for (NetworkMode mode : new NetworkMode[] {NetworkMode.HOST, NetworkMode.NONE}) {
            SandboxException e = assertThrows(SandboxException.class, () -> sidecars("dns", true).check(mode, false));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("network_mode=" + mode.engineName()), e.getMessage());
        }
        SandboxException ipv6 = assertThrows(SandboxException.class,
                () -> sidecars("dns+nft", false).check(NetworkMode.BRIDGE, false));
        assertEquals(400, ipv6.status());
        assertTrue(ipv6.getMessage().contains("disable_ipv6"), ipv6.getMessage());
    }
}
