package dev.kernelgate.runtime.config;

/**
 * {@code [egress]}: how {@code networkPolicy} is enforced.
 *
 * @param image       upstream's sidecar image; not used here (the sidecar runs from the sandbox's own image with the
 *                    injected distribution), reported by {@code list-images} as unused
 * @param mode        {@code dns} (the DNS proxy alone) or {@code dns+nft} (also default-deny at the IP layer)
 * @param disableIpv6 IPv6 off in the sandbox's network namespace, so AAAA answers cannot route around the policy
 * @param dnsUpstream ours: the nameserver ({@code ip[:port]}) allowed queries go to; null: the first nameserver of
 *                    the sidecar's own resolv.conf
 * @param vaultTrustedCa ours: a PEM file of certificate authorities the credential vault's proxy trusts for HTTPS
 *                    destinations besides the JDK's (a private CA); null: the JDK's only
 */
public record EgressSettings(String image, String mode, boolean disableIpv6, String dnsUpstream,
                             java.nio.file.Path vaultTrustedCa) {
    public EgressSettings(String image, String mode, boolean disableIpv6, String dnsUpstream) {
        this(image, mode, disableIpv6, dnsUpstream, null);
    }

    public static EgressSettings defaults() {
        return new EgressSettings(null, "dns", true, null);
    }
}
