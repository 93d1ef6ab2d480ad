package dev.kernelgate.execd.egress;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The sidecar's settings, read once from its environment (upstream's variable names where upstream has one).
 *
 * @param policy       the initial policy ({@code OPENSANDBOX_EGRESS_RULES}: the {@code networkPolicy} JSON; none
 *                     or empty: deny all)
 * @param mode         {@code dns} or {@code dns+nft} ({@code OPENSANDBOX_EGRESS_MODE}, default dns)
 * @param token        the API token ({@code OPENSANDBOX_EGRESS_TOKEN}); null or empty: no auth
 * @param api          the policy API's address ({@code OPENSANDBOX_EGRESS_HTTP_ADDR}, default {@code :18080})
 * @param dnsListen    the DNS proxy's address ({@code KERNELGATE_EGRESS_DNS_LISTEN}, default {@code 127.0.0.1:53})
 * @param dnsUpstream  the nameserver allowed queries go to ({@code OPENSANDBOX_EGRESS_DNS_UPSTREAM}, the first of a
 *                     comma-separated list of {@code ip[:port]}); null: the first nameserver of {@code resolvConf}
 * @param resolvConf   the resolver file read for the upstream and, when {@code takeOverResolvConf}, rewritten to
 *                     name the proxy ({@code KERNELGATE_EGRESS_RESOLV_CONF}, default {@code /etc/resolv.conf})
 * @param takeOverResolvConf whether to point {@code resolvConf} at the proxy ({@code KERNELGATE_EGRESS_TAKE_OVER_RESOLV_CONF})
 * @param maxRules     most rules per policy ({@code OPENSANDBOX_EGRESS_MAX_RULES}, default 4096, 0: no limit)
 * @param tools        {@code dns+nft} and the vault: a directory with {@code bin/iptables} and
 *                     {@code bin/iptables-restore} ({@code KERNELGATE_EGRESS_TOOLS}); null: the image's own from the PATH
 * @param vault        whether the credential vault intercepts ({@code KERNELGATE_EGRESS_CREDENTIAL_VAULT}: set for a
 *                     sandbox created with {@code credentialProxy.enabled})
 * @param vaultProxy   the vault's transparent proxy ({@code KERNELGATE_EGRESS_VAULT_PROXY_LISTEN}, default
 *                     {@code 127.0.0.1:15080}); the redirect's target
 * @param vaultCaFile  where the vault writes its CA certificate (PEM) for the sandbox to trust
 *                     ({@code KERNELGATE_EGRESS_VAULT_CA_FILE}); null: not written
 * @param vaultUpstreamCa PEM certificates the vault's proxy trusts for destinations besides the JDK's
 *                     ({@code KERNELGATE_EGRESS_VAULT_UPSTREAM_CA}); null: the JDK's only
 */
public record EgressConfig(EgressPolicy policy, String mode, String token, InetSocketAddress api,
                           InetSocketAddress dnsListen, InetSocketAddress dnsUpstream, Path resolvConf,
                           boolean takeOverResolvConf, int maxRules, Path tools, boolean vault,
                           InetSocketAddress vaultProxy, Path vaultCaFile, Path vaultUpstreamCa) {
    public static final String MODE_DNS = "dns";
    public static final String MODE_DNS_NFT = "dns+nft";
    public static final int DEFAULT_API_PORT = 18080;

    public static final String RULES_ENV = "OPENSANDBOX_EGRESS_RULES";
    public static final String MODE_ENV = "OPENSANDBOX_EGRESS_MODE";
    public static final String TOKEN_ENV = "OPENSANDBOX_EGRESS_TOKEN";
    public static final String HTTP_ADDR_ENV = "OPENSANDBOX_EGRESS_HTTP_ADDR";
    public static final String DNS_UPSTREAM_ENV = "OPENSANDBOX_EGRESS_DNS_UPSTREAM";
    public static final String MAX_RULES_ENV = "OPENSANDBOX_EGRESS_MAX_RULES";
    public static final String DNS_LISTEN_ENV = "KERNELGATE_EGRESS_DNS_LISTEN";
    public static final String RESOLV_CONF_ENV = "KERNELGATE_EGRESS_RESOLV_CONF";
    public static final String TAKE_OVER_ENV = "KERNELGATE_EGRESS_TAKE_OVER_RESOLV_CONF";
    public static final String TOOLS_ENV = "KERNELGATE_EGRESS_TOOLS";
    public static final String VAULT_ENV = "KERNELGATE_EGRESS_CREDENTIAL_VAULT";
    public static final String VAULT_PROXY_ENV = "KERNELGATE_EGRESS_VAULT_PROXY_LISTEN";
    public static final String VAULT_CA_FILE_ENV = "KERNELGATE_EGRESS_VAULT_CA_FILE";
    public static final String VAULT_UPSTREAM_CA_ENV = "KERNELGATE_EGRESS_VAULT_UPSTREAM_CA";
    /** The ports the vault intercepts (upstream's): plain HTTP on 80, TLS on 443. */
    public static final java.util.Set<Integer> VAULT_PORTS = java.util.Set.of(80, 443);
    public static final java.util.Set<Integer> VAULT_TLS_PORTS = java.util.Set.of(443);

    /**
     * @throws IllegalArgumentException naming the variable that is wrong
     */
    public static EgressConfig fromEnv(Map<String, String> env) {
        String rules = env.getOrDefault(RULES_ENV, "").strip();
        EgressPolicy policy;
        try {
            policy = rules.isEmpty() ? EgressPolicy.DENY_ALL
                    : EgressPolicy.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(rules));
        } catch (PolicyException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(RULES_ENV + ": " + e.getMessage());
        }
        String mode = env.getOrDefault(MODE_ENV, "").strip().toLowerCase(Locale.ROOT);
        mode = mode.isEmpty() ? MODE_DNS : mode;
        if (!mode.equals(MODE_DNS) && !mode.equals(MODE_DNS_NFT)) {
            throw new IllegalArgumentException(MODE_ENV + " = \"" + mode + "\": use dns or dns+nft");
        }
        String upstream = env.getOrDefault(DNS_UPSTREAM_ENV, "").strip();
        int comma = upstream.indexOf(',');
        upstream = comma < 0 ? upstream : upstream.substring(0, comma).strip();
        int maxRules;
        try {
            maxRules = Integer.parseInt(env.getOrDefault(MAX_RULES_ENV, "" + PolicyHandler.DEFAULT_MAX_RULES).strip());
        } catch (NumberFormatException e) {
            maxRules = PolicyHandler.DEFAULT_MAX_RULES;
        }
        return new EgressConfig(policy, mode, env.get(TOKEN_ENV),
                address(HTTP_ADDR_ENV, env.getOrDefault(HTTP_ADDR_ENV, ":" + DEFAULT_API_PORT), "0.0.0.0", -1),
                address(DNS_LISTEN_ENV, env.getOrDefault(DNS_LISTEN_ENV, "127.0.0.1:53"), "127.0.0.1", 53),
                upstream.isEmpty() ? null : address(DNS_UPSTREAM_ENV, upstream, null, 53),
                Path.of(env.getOrDefault(RESOLV_CONF_ENV, "/etc/resolv.conf")),
                Boolean.parseBoolean(env.getOrDefault(TAKE_OVER_ENV, "false").strip()), Math.max(0, maxRules),
                path(env, TOOLS_ENV),
                Boolean.parseBoolean(env.getOrDefault(VAULT_ENV, "false").strip()),
                address(VAULT_PROXY_ENV, env.getOrDefault(VAULT_PROXY_ENV, "127.0.0.1:15080"), "127.0.0.1", -1),
                path(env, VAULT_CA_FILE_ENV), path(env, VAULT_UPSTREAM_CA_ENV));
    }

    private static Path path(Map<String, String> env, String variable) {
        String value = env.getOrDefault(variable, "").strip();
        return value.isEmpty() ? null : Path.of(value);
    }

    /**
     * {@code host:port}, {@code :port}, {@code [v6]:port}, or a bare address when {@code defaultPort} is given; the
     * host must be a literal IP (never looked up).
     */
    static InetSocketAddress address(String variable, String text, String defaultHost, int defaultPort) {
        String host = text;
        int port = defaultPort;
        int colon = text.lastIndexOf(':');
        boolean bracketed = text.startsWith("[");
        if (colon >= 0 && (bracketed ? text.indexOf(']') < colon : text.indexOf(':') == colon)) {
            host = text.substring(0, colon);
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (host.isEmpty() && defaultHost != null) {
            host = defaultHost;
        }
        if (port < 0 || port > 65535 || IpBlock.literal(host) == null) {
            throw new IllegalArgumentException(variable + " = \"" + text + "\": expected ip:port (a literal address)");
        }
        return new InetSocketAddress(host, port);
    }
}
