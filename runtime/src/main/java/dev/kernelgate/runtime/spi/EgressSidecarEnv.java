package dev.kernelgate.runtime.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.execd.egress.EgressConfig;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every runtime hands its egress sidecar: upstream's variables (the policy as JSON, the mode, a fresh token)
 * plus the nameserver to forward to when {@code [egress] dns_upstream} names one.
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

    /** The sidecar's environment, in a stable order. */
    public static Map<String, String> of(SandboxSpec.NetworkPolicy policy, String mode, String token,
                                         String dnsUpstream) {
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
        return env;
    }
}
