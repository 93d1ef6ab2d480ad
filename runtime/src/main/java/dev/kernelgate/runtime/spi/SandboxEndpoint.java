package dev.kernelgate.runtime.spi;

import java.util.Map;

/** Upstream's {@code Endpoint}: {@code host:port[/path]} without a scheme, and headers to send with it. */
public record SandboxEndpoint(String endpoint, Map<String, String> headers) {
    public SandboxEndpoint {
        headers = Map.copyOf(headers);
    }
}
