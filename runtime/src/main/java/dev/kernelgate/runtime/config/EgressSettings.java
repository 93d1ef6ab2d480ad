package dev.kernelgate.runtime.config;

/** {@code [egress]}: the sidecar image enforcing {@code networkPolicy}, its mode and IPv6 switch. */
public record EgressSettings(String image, String mode, boolean disableIpv6) {

    public static EgressSettings defaults() {
        return new EgressSettings(null, "dns", true);
    }
}
