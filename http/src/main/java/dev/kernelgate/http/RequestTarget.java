package dev.kernelgate.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/** The path and query of a request line's target; an absolute-form target (as proxies send) gives its path. */
record RequestTarget(String rawPath, Map<String, List<String>> query) {
    static final RequestTarget ROOT = new RequestTarget("/", Map.of());

    /**
     * Splits {@code uri}; with {@code decodeQuery} the query is decoded now, so a bad escape fails here (a 400 for
     * the caller) rather than in a handler.
     */
    static RequestTarget parse(String uri, boolean decodeQuery) {
        String u = uri;
        if (u.startsWith("http://") || u.startsWith("https://")) {
            int slash = u.indexOf('/', u.indexOf("//") + 2);
            u = slash < 0 ? "/" : u.substring(slash);
        }
        QueryStringDecoder decoder = QueryStringDecoder.builder().hasPath(true).semicolonIsNormalChar(true).build(u);
        String rawPath = decoder.rawPath().isEmpty() ? "/" : decoder.rawPath();
        return new RequestTarget(rawPath, decodeQuery ? decoder.parameters() : Map.of());
    }
}
