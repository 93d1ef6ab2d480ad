package dev.kernelgate.execd.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dns+nft} sidecar's start check: without usable iptables, or in a namespace IPv6 could go around, it
 * stops before it answers {@code /healthz}, with one line naming the cause (the runtimes show that line as the
 * sandbox's failure). Fake iptables tools (shell scripts) stand in for the real ones, which need root.
 */
class EgressStartCheckTest {
    private static final InetSocketAddress UPSTREAM = new InetSocketAddress("192.0.2.53", 53);

    @TempDir
    Path dir;

    private Map<String, String> env(Path tools) {
        Map<String, String> env = new HashMap<>();
        env.put(EgressConfig.MODE_ENV, "dns+nft");
        env.put(EgressConfig.HTTP_ADDR_ENV, "127.0.0.1:0");
        env.put(EgressConfig.DNS_LISTEN_ENV, "127.0.0.3:0");
        env.put(EgressConfig.DNS_UPSTREAM_ENV, "192.0.2.53");
        env.put(EgressConfig.TOOLS_ENV, tools.toString());
        return env;
    }

    /**
     * {@code bin/iptables} and {@code bin/iptables-restore} that read their input, log their arguments, print
     * {@code say} and exit {@code code}.
     */
    private Path fakeTools(String say, int code) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("tools/bin"));
        for (String name : List.of("iptables", "iptables-restore")) {
            Path script = bin.resolve(name);
            Files.writeString(script, "#!/bin/sh\ncat > /dev/null\necho \"$*\" >> " + dir.resolve("calls") + "\n"
                    + (say.isEmpty() ? "" : "echo '" + say + "' >&2\n") + "exit " + code + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir.resolve("tools");
    }

    @Test
    void withoutIptablesTheSidecarStopsNamingWhatIsMissing() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IllegalStateException stopped = assertThrows(IllegalStateException.class,
                () -> new EgressServer(EgressConfig.fromEnv(env(empty))).start().close());
        String message = stopped.getMessage();
        assertTrue(message.contains("dns+nft needs iptables in the egress sidecar, and iptables is not in "
                + empty.resolve("bin")), message);
        assertTrue(message.contains("[egress] image"), message);
        assertEquals(-1, message.indexOf('\n'), "one line: " + message);
        assertEquals(2, EgressMain.run(env(empty)), "the sidecar's process exits 2");

        // The image's own tools, looked for on the PATH and in the sbin directories.
        IOException notInImage = assertThrows(IOException.class,
                () -> new Iptables(null, List.of(empty)).checkUsable());
        assertTrue(notInImage.getMessage().contains("iptables is not in this image (looked in [" + empty + "])"),
                notInImage.getMessage());
        assertTrue(Iptables.searchPath("/opt/bin:/usr/bin").containsAll(List.of(Path.of("/opt/bin"),
                Path.of("/usr/sbin"), Path.of("/sbin"))));
    }

    @Test
    void iptablesThatMayNotChangeRulesStopsTheSidecarNamingNetAdmin() throws Exception {
        Path tools = fakeTools("iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: "
                + "Permission denied (you must be root)", 4);
        IllegalStateException stopped = assertThrows(IllegalStateException.class,
                () -> new EgressServer(EgressConfig.fromEnv(env(tools))).start().close());
        String message = stopped.getMessage();
        assertTrue(message.contains("iptables cannot change the rules of the sidecar's network namespace (it needs "
                + "NET_ADMIN, and the node's kernel nf_tables)"), message);
        assertTrue(message.contains("Permission denied (you must be root)"), message);
        assertEquals(-1, message.indexOf('\n'), "one line: " + message);
    }

    @Test
    void usableIptablesPassTheCheckUnlessIpv6CouldGoAround() throws Exception {
        Path tools = fakeTools("", 0);
        Path ipv4Only = Files.writeString(dir.resolve("if_inet6-v4only"),
                "00000000000000000000000000000001 01 80 10 80       lo\n"
                        + "fe80000000000000a8c1abfffe5d0e3f 02 40 20 80     eth0\n");
        EgressPolicy deny = EgressPolicy.DENY_ALL;
        try (IptablesEnforcer enforcer = new IptablesEnforcer(new Iptables(tools), ipv4Only, UPSTREAM, true)) {
            enforcer.apply(deny);
        }
        List<String> calls = Files.readAllLines(dir.resolve("calls"));
        assertTrue(calls.contains("-w 5 -N KG_EGRESS_PROBE") && calls.contains("-w 5 -X KG_EGRESS_PROBE"), "" + calls);
        assertTrue(calls.indexOf("-w 5 -N KG_EGRESS_PROBE") < calls.indexOf("-w 5 --noflush"),
                "checked before the first rule: " + calls);

        Path dualStack = Files.writeString(dir.resolve("if_inet6-dual"),
                "00000000000000000000000000000001 01 80 10 80       lo\n"
                        + "20010db8000000000000000000000007 02 40 00 80     eth0\n");
        try (IptablesEnforcer enforcer = new IptablesEnforcer(new Iptables(tools), dualStack, UPSTREAM, true)) {
            IOException refused = assertThrows(IOException.class, () -> enforcer.apply(deny));
            assertTrue(refused.getMessage().contains("dns+nft enforces IPv4 only, and the sidecar's network "
                    + "namespace has the IPv6 address 2001:0db8:0000:0000:0000:0000:0000:0007 on eth0"),
                    refused.getMessage());
        }
        assertEquals(List.of(), IptablesEnforcer.globalIpv6(dir.resolve("no-such-file")), "IPv6 off: no file");
    }
}
