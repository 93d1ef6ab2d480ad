package dev.kernelgate.runtime.config;

/** {@code [ingress]}: {@code mode} = direct | gateway, and for gateway its address and route mode. */
public record IngressSettings(String mode, String gatewayAddress, String gatewayRouteMode) {

    public static IngressSettings defaults() {
        return new IngressSettings("direct", null, null);
    }
}
