package dev.kernelgate.cli;

import dev.kernelgate.execd.egress.EgressMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code kernelgate egress}: the egress sidecar (DNS proxy and policy API on 18080), configured from the environment
 * as upstream's sidecar is, so a runtime starts it the same way whichever sidecar it runs.
 */
@Command(name = "egress", mixinStandardHelpOptions = true,
        description = {"Run the egress sidecar: a DNS proxy enforcing networkPolicy and its policy API on :18080.",
            "Environment: OPENSANDBOX_EGRESS_RULES (the networkPolicy JSON; none = deny all),",
            "OPENSANDBOX_EGRESS_MODE (dns), OPENSANDBOX_EGRESS_TOKEN (header OPENSANDBOX-EGRESS-AUTH),",
            "OPENSANDBOX_EGRESS_HTTP_ADDR (:18080), OPENSANDBOX_EGRESS_DNS_UPSTREAM (ip[:port]; default: resolv.conf),",
            "OPENSANDBOX_EGRESS_MAX_RULES (4096), KERNELGATE_EGRESS_DNS_LISTEN (127.0.0.1:53),",
            "KERNELGATE_EGRESS_RESOLV_CONF (/etc/resolv.conf), KERNELGATE_EGRESS_TAKE_OVER_RESOLV_CONF (false)."})
final class EgressCommand implements Callable<Integer> {
    private final HostEnvironment host;

    EgressCommand() {
        this(HostEnvironment.current());
    }

    EgressCommand(HostEnvironment host) {
        this.host = host;
    }

    @Override
    public Integer call() throws Exception {
        return EgressMain.run(host.env());
    }
}
