package dev.kernelgate.runtime.spi;

import java.util.Map;

/**
 * Where the server itself reaches a port of a sandbox; the server-side proxy ({@code /sandboxes/{id}/proxy/{port}})
 * connects here. Unlike {@link SandboxEndpoint} it is never advertised to clients.
 *
 * @param host       an IP literal or a name the server resolves
 * @param pathPrefix {@code ""}, or a raw path put before every proxied path (e.g. {@code /proxy/8080} when the port
 *                   is reached through the sandbox's execd)
 * @param headers    sent with every proxied request
 * @param tls        whether the port speaks TLS with the server's own certificate (the local runtime's execds when
 *                   the server serves HTTPS)
 */
public record InternalEndpoint(String host, int port, String pathPrefix, Map<String, String> headers, boolean tls) {
    public InternalEndpoint {
        headers = Map.copyOf(headers);
    }

    /** Plain HTTP. */
    public InternalEndpoint(String host, int port, String pathPrefix, Map<String, String> headers) {
        this(host, port, pathPrefix, headers, false);
    }

    /** Reached directly, nothing added. */
    public static InternalEndpoint direct(String host, int port) {
        return new InternalEndpoint(host, port, "", Map.of());
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + pathPrefix;
    }
}
