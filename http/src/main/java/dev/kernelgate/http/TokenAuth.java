package dev.kernelgate.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Shared-token authentication. OPTIONS and routes marked {@link RouteOptions#noAuth()} are exempt.
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so neither the content nor
 * the length of the expected token leaks through timing.
 */
public final class TokenAuth {

    /** Builds the rejection; throwing an {@link HttpError} renders it in the face's error format. */
    @FunctionalInterface
    public interface Failure {
        Response reject(Request request, boolean tokenPresent) throws Exception;
    }

    private static final TokenAuth DISABLED = new TokenAuth(null, r -> null, (r, p) -> null);

    private final byte[] expectedDigest;
    private final TokenExtractor extractor;
    private final Failure failure;

    private TokenAuth(byte[] expectedDigest, TokenExtractor extractor, Failure failure) {
        this.expectedDigest = expectedDigest;
        this.extractor = extractor;
        this.failure = failure;
    }

    public static TokenAuth disabled() {
        return DISABLED;
    }

    /** A {@code null} or empty token builds a disabled auth, as every upstream treats "no token configured". */
    public static Builder builder(String token) {
        return new Builder(token);
    }

    public boolean isEnabled() {
        return expectedDigest != null;
    }

    /** {@code null} when the request may pass, else the rejection response. */
    Response check(Request request) throws Exception {
        if (expectedDigest == null) {
            return null;
        }
        String token = extractor.extract(request);
        if (token != null && MessageDigest.isEqual(expectedDigest, sha256(token))) {
            return null;
        }
        Response rejection = failure.reject(request, token != null);
        if (rejection == null) {
            throw HttpError.unauthorized("");
        }
        return rejection;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }

    public static final class Builder {

        private final String token;
        private TokenExtractor extractor = TokenExtractor.kernelGateway();
        private Failure failure = (request, present) -> {
            throw HttpError.unauthorized("");
        };

        private Builder(String token) {
            this.token = token;
        }

        public Builder extractor(TokenExtractor tokenExtractor) {
            this.extractor = Objects.requireNonNull(tokenExtractor);
            return this;
        }

        /** Default: {@link HttpError#unauthorized} through the face's renderer. */
        public Builder onFailure(Failure onFailure) {
            this.failure = Objects.requireNonNull(onFailure);
            return this;
        }

        public TokenAuth build() {
            if (token == null || token.isEmpty()) {
                return DISABLED;
            }
            return new TokenAuth(sha256(token), extractor, failure);
        }
    }
}
