package dev.kernelgate.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Header rewriting of the port proxy: hop-by-hop fields, {@code X-Forwarded-*}, {@code Host}. */
final class ProxyHeaders {

    /** RFC 9110 7.6.1 plus the usual non-standard ones (the set Go's ReverseProxy drops). */
    private static final List<CharSequence> HOP_BY_HOP = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE);

    static final String FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED_PROTO = "X-Forwarded-Proto";
    static final String FORWARDED_HOST = "X-Forwarded-Host";
    /** Set on requests dispatched in-process: the prefix that was stripped (e.g. {@code /proxy/44772}). */
    static final String FORWARDED_PREFIX = "X-Forwarded-Prefix";

    private ProxyHeaders() {
    }

    /** A WebSocket handshake: GET with {@code Upgrade: websocket} and {@code Connection: upgrade}. */
    static boolean isWebSocketUpgrade(HttpRequest request) {
        return HttpMethod.GET.equals(request.method())
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * The request as sent to {@code target}: HTTP/1.1, target {@code uri}, end-to-end headers kept but for the
     * options' dropped ones, the target's own headers added, {@code Host} rewritten, {@code X-Forwarded-For}
     * appended, {@code X-Forwarded-Proto} set, {@code X-Forwarded-Host} removed (or, when the options forward it,
     * set to the client's {@code Host} unless the client sent one); the body framing (length or chunked) kept;
     * upgrades kept for WebSockets.
     */
    static HttpRequest upstreamRequest(HttpRequest client, String uri, ProxyTarget target, ProxyOptions options,
                                       SocketAddress remote, boolean tls) {
        boolean chunked = HttpUtil.isTransferEncodingChunked(client);
        boolean webSocket = isWebSocketUpgrade(client);
        String upgrade = client.headers().get(HttpHeaderNames.UPGRADE);
        String forwardedHost = client.headers().get(FORWARDED_HOST, client.headers().get(HttpHeaderNames.HOST));
        HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), uri);
        HttpHeaders headers = out.headers();
        headers.set(client.headers());
        stripHopByHop(headers);
        options.dropHeaders().forEach(headers::remove);
        if (HttpUtil.is100ContinueExpected(client)) {
            headers.remove(HttpHeaderNames.EXPECT); // answered here: the body comes once the target is connected
        }
        target.headers().forEach(headers::set);
        headers.set(HttpHeaderNames.HOST, target.hostHeader());
        forwarded(headers, remote, tls);
        if (options.forwardHost() && forwardedHost != null) {
            headers.set(FORWARDED_HOST, forwardedHost);
        }
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        if (webSocket) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, upgrade);
        }
        return out;
    }

    /** The in-process variant: same target rewriting and forwarding headers, on the decoded request itself. */
    static void rewriteForSelf(HttpRequest request, String uri, String strippedPrefix, SocketAddress remote,
                               boolean tls) {
        request.setUri(uri);
        forwarded(request.headers(), remote, tls);
        String prior = request.headers().get(FORWARDED_PREFIX);
        request.headers().set(FORWARDED_PREFIX, prior == null ? strippedPrefix : prior + strippedPrefix);
    }

    private static void forwarded(HttpHeaders headers, SocketAddress remote, boolean tls) {
        String clientIp = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
        if (clientIp != null) {
            List<String> prior = headers.getAll(FORWARDED_FOR);
            String value = prior.isEmpty() ? clientIp : String.join(", ", prior) + ", " + clientIp;
            headers.set(FORWARDED_FOR, value);
        }
        headers.set(FORWARDED_PROTO, tls ? "https" : "http");
        headers.remove(FORWARDED_HOST);
    }

    /**
     * The response as relayed to the client: status and end-to-end headers of the target's, framed for the
     * client connection.
     *
     * @param bodyless         no body follows (HEAD, 1xx, 204, 304)
     * @param closeDelimited   the client can only be told where the body ends by closing (HTTP/1.0, no length)
     * @param closeAfter       the connection ends after this response
     */
    static HttpResponse clientResponse(HttpResponse upstream, HttpVersion clientVersion, boolean bodyless,
                                       boolean closeDelimited, boolean closeAfter) {
        boolean chunkedUpstream = HttpUtil.isTransferEncodingChunked(upstream);
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, upstream.status());
        HttpHeaders headers = out.headers();
        headers.set(upstream.headers());
        stripHopByHop(headers);
        if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH) && !closeDelimited) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (bodyless && chunkedUpstream) {
            // A HEAD answer announcing a chunked body: keep saying so, there is no body either way.
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (closeAfter) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return out;
    }

    /** The 101 as relayed: the target's headers with {@code Connection} and {@code Upgrade} kept. */
    static HttpHeaders switchingProtocols(HttpResponse upstream) {
        HttpHeaders headers = upstream.headers().copy();
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        stripHopByHop(headers);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        if (upgrade != null) {
            headers.set(HttpHeaderNames.UPGRADE, upgrade);
        }
        return headers;
    }

    /** Removes the hop-by-hop fields, including those the {@code Connection} header names. */
    static void stripHopByHop(HttpHeaders headers) {
        List<String> named = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    named.add(t);
                }
            }
        }
        for (String name : named) {
            headers.remove(name);
        }
        for (CharSequence name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }
}
