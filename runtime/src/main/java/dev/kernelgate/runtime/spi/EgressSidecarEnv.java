package dev.kernelgate.runtime.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.execd.egress.EgressConfig;
import dev.kernelgate.execd.egress.EgressMain;
import dev.kernelgate.execd.egress.EgressRoutes;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every runtime hands its egress sidecar, so the docker container and the kubernetes Pod's sidecar get the same:
 * upstream's variables (the policy as JSON, the mode, a fresh token) plus the nameserver to forward to when
 * {@code [egress] dns_upstream} names one and the credential vault switch; the command line; the capabilities it
 * keeps; and the header its 18080 endpoint wants.
 */
public final class EgressSidecarEnv {
    /** Upstream's key (a Docker label, a Pod annotation) keeping a sandbox's egress token for its 18080 endpoint. */
    public static final String TOKEN_KEY = "opensandbox.io/egress-auth-token";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private EgressSidecarEnv() {
    }

    /** A new random token (24 bytes, base64url). */
    public static String newToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The sidecar's environment, in a stable order; {@code credentialProxy} turns the credential vault on. */
    public static Map<String, String> of(SandboxSpec.NetworkPolicy policy, String mode, String token,
                                         String dnsUpstream, boolean credentialProxy) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            env.put(EgressConfig.RULES_ENV, JSON.writeValueAsString(policy));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy record is always JSON", e);
        }
        env.put(EgressConfig.MODE_ENV, mode);
        env.put(EgressConfig.TOKEN_ENV, token);
        if (dnsUpstream != null) {
            env.put(EgressConfig.DNS_UPSTREAM_ENV, dnsUpstream);
        }
        if (credentialProxy) {
            env.put(EgressConfig.VAULT_ENV, "true");
        }
        return env;
    }

    /** The sidecar's command: {@code EgressMain} on the JRE of the distribution mounted at {@code home}. */
    public static List<String> command(String home) {
        return List.of(home + "/jre/bin/java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Xmx64m", "-cp", home + "/lib/*", EgressMain.class.getName());
    }

    /** The sandbox's capability drops less {@code NET_ADMIN} (with or without {@code CAP_}), which the sidecar keeps. */
    public static List<String> drops(List<String> sandboxDrops) {
        return sandboxDrops.stream().filter(c -> !c.toUpperCase(Locale.ROOT).endsWith("NET_ADMIN")).toList();
    }

    /** The header the sidecar's 18080 endpoint wants, none when the sandbox has no token. */
    public static Map<String, String> tokenHeader(String token) {
        return token == null ? Map.of() : Map.of(EgressRoutes.TOKEN_HEADER, token);
    }
}
