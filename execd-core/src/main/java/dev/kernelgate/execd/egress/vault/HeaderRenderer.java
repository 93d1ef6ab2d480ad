package dev.kernelgate.execd.egress.vault;

import java.util.List;
import java.util.Map;

/** A binding's auth rule and the vault's credentials → the headers to set (upstream's rendering). */
final class HeaderRenderer {
    private HeaderRenderer() {
    }

    /** @param credentials must hold every credential {@code auth} names (the vault validates that first) */
    static List<ActiveVault.Header> render(Auth auth, Map<String, Credential> credentials) {
        return switch (auth.type()) {
            case Auth.BEARER -> List.of(new ActiveVault.Header("Authorization",
                    "Bearer " + credentials.get(auth.credential()).value()));
            // the value is already base64(user:password), as upstream expects
            case Auth.BASIC -> List.of(new ActiveVault.Header("Authorization",
                    "Basic " + credentials.get(auth.credential()).value()));
            case Auth.API_KEY -> List.of(new ActiveVault.Header(auth.name(),
                    credentials.get(auth.credential()).value()));
            case Auth.CUSTOM_HEADERS -> auth.headers().stream()
                    .map(h -> new ActiveVault.Header(h.name(), credentials.get(h.credential()).value())).toList();
            default -> throw new IllegalArgumentException("unsupported auth type " + auth.type());
        };
    }
}
