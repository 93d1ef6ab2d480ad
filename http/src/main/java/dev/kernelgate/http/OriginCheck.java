package dev.kernelgate.http;

import java.net.URI;
import java.util.Locale;

/** Decides whether a request's {@code Origin} may use the API; throw an {@link HttpError} to refuse. */
@FunctionalInterface
public interface OriginCheck {

    void check(Request request);

    static OriginCheck allowAll() {
        return request -> {
        };
    }

    /**
     * Jupyter's rule: pass when {@code allowOrigin} is {@code *}, when {@code Origin} or {@code Host} is
     * missing, when the origin's host:port equals {@code Host}, or when the origin equals
     * {@code allowOrigin}. Refusals are 404 on REST and 403 on a WebSocket upgrade, as Tornado answers.
     */
    static OriginCheck sameHostOr(String allowOrigin) {
        String allowed = allowOrigin == null ? "" : allowOrigin;
        return request -> {
            if (allowed.equals("*")) {
                return;
            }
            String origin = request.header("Origin");
            String host = request.header("Host");
            if (origin == null || host == null) {
                return;
            }
            String lower = origin.toLowerCase(Locale.ROOT);
            if (host.equals(authority(lower)) || (!allowed.isEmpty() && allowed.equals(lower))) {
                return;
            }
            throw request.isWebSocketUpgrade() ? HttpError.forbidden("") : HttpError.notFound("");
        };
    }

    private static String authority(String origin) {
        try {
            String a = URI.create(origin).getRawAuthority();
            return a == null ? "" : a;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
