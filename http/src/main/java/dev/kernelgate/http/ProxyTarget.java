package dev.kernelgate.http;

import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * Where one proxied request goes: a resolved address, a path put before the rest of the request path (e.g.
 * {@code /proxy/8080} when the target is itself a port proxy), headers added to the forwarded request, the name
 * the proxy's error messages use for it, and whether it speaks TLS.
 *
 * @param address    resolved (the proxy connects from an event loop and never looks names up)
 * @param pathPrefix {@code ""} or a raw path starting with {@code /} and not ending with one
 * @param tls        the client context to speak TLS to the target with, or null for plain HTTP
 */
public record ProxyTarget(InetSocketAddress address, String pathPrefix, Map<String, String> headers, String name,
                          SslContext tls) {

    public ProxyTarget {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("proxy target must be resolved: " + address);
        }
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        if (!pathPrefix.isEmpty() && (!pathPrefix.startsWith("/") || pathPrefix.endsWith("/"))) {
            throw new IllegalArgumentException("path prefix must be empty or /like/this: " + pathPrefix);
        }
        headers = Map.copyOf(headers);
        name = name == null || name.isBlank() ? hostAndPort(address) : name;
        if (tls != null && !tls.isClient()) {
            throw new IllegalArgumentException("a proxy target needs a client TLS context");
        }
    }

    /** Plain HTTP. */
    public ProxyTarget(InetSocketAddress address, String pathPrefix, Map<String, String> headers, String name) {
        this(address, pathPrefix, headers, name, null);
    }

    /** {@code 127.0.0.1:{port}}, nothing added: the port proxy's default. */
    public static ProxyTarget loopback(int port) {
        return new ProxyTarget(new InetSocketAddress(NetUtil.LOCALHOST4, port), "", Map.of(), null);
    }

    /** The {@code Host} field the target gets: {@code ip:port}, IPv6 in brackets. */
    public String hostHeader() {
        return hostAndPort(address);
    }

    /** The request target sent upstream: the prefix, then the rest of the client's path (raw), then its query. */
    String uri(String path, String rawQuery) {
        String p = pathPrefix.isEmpty() ? path : pathPrefix + path;
        return rawQuery == null ? p : p + "?" + rawQuery;
    }

    private static String hostAndPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
