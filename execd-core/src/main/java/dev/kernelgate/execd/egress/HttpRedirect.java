package dev.kernelgate.execd.egress;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sends the sandbox's outbound plain-HTTP connections to the credential vault's proxy: chain {@value #CHAIN} of the
 * nat table, jumped to from OUTPUT, REDIRECTs TCP to the intercepted ports (not to the loopback) unless the packet
 * carries the proxy's own mark ({@link DnsTransport#UPSTREAM_MARK}, which only a holder of NET_ADMIN can set), so the
 * proxy's connections to the original destinations go out as they are. A filter chain ({@code dns+nft}) still sees
 * those connections and applies the policy to them. The rules go with the sandbox's namespace; a restarted sidecar
 * installs them again (idempotent).
 */
final class HttpRedirect {
    static final String CHAIN = "KG_EGRESS_VAULT";

    private final Iptables iptables;

    HttpRedirect(java.nio.file.Path tools) {
        this.iptables = new Iptables(tools);
    }

    /** The chain for {@code ports} → {@code proxyPort}, for {@code iptables-restore --noflush}. */
    static String rules(Set<Integer> ports, int proxyPort) {
        StringBuilder r = new StringBuilder("*nat\n:" + CHAIN + " - [0:0]\n");
        r.append("-A ").append(CHAIN).append(" -m mark --mark 0x").append(Integer.toHexString(
                DnsTransport.UPSTREAM_MARK)).append(" -j RETURN\n");
        r.append("-A ").append(CHAIN).append(" -d 127.0.0.0/8 -j RETURN\n");
        for (int port : new TreeSet<>(ports)) {
            r.append("-A ").append(CHAIN).append(" -p tcp --dport ").append(port).append(" -j REDIRECT --to-ports ")
                    .append(proxyPort).append('\n');
        }
        return r.append("COMMIT\n").toString();
    }

    /** Installs the chain and the jump (idempotent). */
    void install(Set<Integer> ports, int proxyPort) throws IOException {
        if (!iptables.succeeds("-t", "nat", "-n", "-L", CHAIN)) {
            iptables.run("-t", "nat", "-N", CHAIN);
        }
        iptables.restore(rules(ports, proxyPort));
        if (!iptables.succeeds("-t", "nat", "-C", "OUTPUT", "-j", CHAIN)) {
            iptables.run("-t", "nat", "-I", "OUTPUT", "1", "-j", CHAIN);
        }
    }
}
