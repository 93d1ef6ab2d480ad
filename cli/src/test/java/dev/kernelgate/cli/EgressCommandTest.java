package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernelgate egress} refuses settings it cannot run with, by exit code, before binding anything. */
class EgressCommandTest {
    @TempDir
    Path tmp;

    private int run(Map<String, String> env) {
        return Main.commandLine(new HostEnvironment(env, tmp.resolve("home"), List.of())).execute("egress");
    }

    @Test
    void badSettingsExitWith2() {
        assertEquals(2, run(Map.of("OPENSANDBOX_EGRESS_MODE", "firewall")));
        assertEquals(2, run(Map.of("OPENSANDBOX_EGRESS_RULES", "{\"defaultAction\":\"deny\",\"bogus\":1}")));
        assertEquals(2, run(Map.of("OPENSANDBOX_EGRESS_HTTP_ADDR", "localhost:18080")));
        // no upstream: the resolver file names only the proxy's own address
        assertEquals(2, run(Map.of("KERNELGATE_EGRESS_RESOLV_CONF", tmp.resolve("missing.conf").toString(),
                "KERNELGATE_EGRESS_DNS_LISTEN", "127.0.0.1:0", "OPENSANDBOX_EGRESS_HTTP_ADDR", "127.0.0.1:0")));
    }
}
