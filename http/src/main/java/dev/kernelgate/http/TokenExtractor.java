package dev.kernelgate.http;

import java.util.List;

/** Where a face's clients put their token. Returns {@code null} when the request carries none. */
@FunctionalInterface
public interface TokenExtractor {

    String extract(Request request);

    /** A header's value as is (execd {@code X-EXECD-ACCESS-TOKEN}, lifecycle {@code OPEN-SANDBOX-API-KEY}). */
    static TokenExtractor header(String name) {
        return request -> request.header(name);
    }

    static TokenExtractor queryParam(String name) {
        return request -> request.query(name);
    }

    /** {@code Authorization: <scheme> <token>}; the scheme is case-sensitive, as in KG ({@code "token"}). */
    static TokenExtractor authorization(String scheme) {
        String prefix = scheme + " ";
        return request -> {
            String value = request.header("Authorization");
            return value != null && value.startsWith(prefix) ? value.substring(prefix.length()) : null;
        };
    }

    /** The first extractor that finds something wins, even if its token is wrong (KG checks the query first). */
    static TokenExtractor firstOf(TokenExtractor... extractors) {
        List<TokenExtractor> all = List.of(extractors);
        return request -> {
            for (TokenExtractor e : all) {
                String token = e.extract(request);
                if (token != null) {
                    return token;
                }
            }
            return null;
        };
    }

    /** Kernel Gateway: {@code ?token=} first, then {@code Authorization: token <t>}. */
    static TokenExtractor kernelGateway() {
        return firstOf(queryParam("token"), authorization("token"));
    }
}
