package dev.kernelgate.execd.egress.vault;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * What a request that matched a binding must be before the binding's secret is added to it: a binding names a host
 * and a path, and the request must be unambiguously for that host and path as the destination will read it. Each
 * refusal says why; the request is then not sent at all.
 */
final class InjectionGuard {
    /** Why a request gets no secret, and the status it is answered with. */
    record Refusal(HttpResponseStatus status, String reason) {
    }

    private InjectionGuard() {
    }

    /**
     * @param host    the request's host as the binding was matched (Host header, lower case, no port)
     * @param tlsHost the TLS server name the sandbox asked for when the relay terminated its TLS, else null
     * @return null when the request may carry the secret
     */
    static Refusal check(HttpRequest request, String host, String tlsHost) {
        HttpMethod method = request.method();
        if (HttpMethod.TRACE.equals(method) || HttpMethod.CONNECT.equals(method)) {
            // TRACE echoes the request, secret included; CONNECT would tunnel it to any address.
            return new Refusal(HttpResponseStatus.FORBIDDEN, "the credential vault sends no secret with " + method);
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "more than one Host header");
        }
        String uri = request.uri();
        if (!uri.startsWith("/") && !hosts.isEmpty() && !authorityHost(uri).equals(host)) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "the request target's host is not the Host header's");
        }
        if (tlsHost != null && !tlsHost.toLowerCase(Locale.ROOT).equals(host)) {
            return new Refusal(HttpResponseStatus.MISDIRECTED_REQUEST,
                    "the Host header is not the TLS server name of this connection");
        }
        List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty() && (codings.size() > 1
                || !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0).strip())
                || request.headers().contains(HttpHeaderNames.CONTENT_LENGTH))) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST,
                    "Transfer-Encoding other than a single \"chunked\", or with Content-Length");
        }
        if (!normalPath(path(uri))) {
            return new Refusal(HttpResponseStatus.FORBIDDEN,
                    "the path has dot segments or encoded '.', '/' or '\\' (a binding's path would not hold)");
        }
        return null;
    }

    /** The path of an origin-form or absolute-form target. */
    static String path(String uri) {
        if (uri.regionMatches(true, 0, "http://", 0, 7)) {
            int slash = uri.indexOf('/', 7);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }

    /** No "." or ".." segment, no backslash, no percent-encoded '.', '/' or '\'. */
    static boolean normalPath(String path) {
        int query = path.indexOf('?');
        String p = (query < 0 ? path : path.substring(0, query)).toLowerCase(Locale.ROOT);
        if (p.contains("\\") || p.contains("%2e") || p.contains("%2f") || p.contains("%5c")) {
            return false;
        }
        for (String segment : p.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code address} belongs to this network namespace (loopback, link-local, or one of its interfaces). */
    static boolean local(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return true; // cannot tell: treat as local, so no secret goes there
        }
    }

    private static String authorityHost(String uri) {
        try {
            String host = URI.create(uri).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
