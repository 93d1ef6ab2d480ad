package dev.kernelgate.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Objects;

/**
 * CORS as Jupyter Kernel Gateway does it: each configured {@code Access-Control-*} value, when not
 * blank, goes on every response; a preflight ({@code OPTIONS}) answers 200 with those headers only.
 * Optionally the request {@code Origin} is echoed when no allow-origin is configured (KG quirk).
 */
public final class Cors implements ResponseDecorator {

    private final String allowOrigin;
    private final String allowCredentials;
    private final String allowHeaders;
    private final String allowMethods;
    private final String exposeHeaders;
    private final String maxAge;
    private final boolean echoOrigin;
    private final OriginCheck originCheck;

    private Cors(Builder b) {
        this.allowOrigin = b.allowOrigin;
        this.allowCredentials = b.allowCredentials;
        this.allowHeaders = b.allowHeaders;
        this.allowMethods = b.allowMethods;
        this.exposeHeaders = b.exposeHeaders;
        this.maxAge = b.maxAge;
        this.echoOrigin = b.echoOrigin;
        this.originCheck = b.originCheck;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void decorate(Request request, HttpHeaders headers) {
        if (!allowOrigin.isBlank()) {
            headers.set("Access-Control-Allow-Origin", allowOrigin);
        } else if (echoOrigin) {
            String origin = request.header("Origin");
            headers.set("Access-Control-Allow-Origin", origin == null ? "" : origin);
        }
        setIfPresent(headers, "Access-Control-Allow-Credentials", allowCredentials);
        setIfPresent(headers, "Access-Control-Allow-Headers", allowHeaders);
        setIfPresent(headers, "Access-Control-Allow-Methods", allowMethods);
        setIfPresent(headers, "Access-Control-Expose-Headers", exposeHeaders);
        setIfPresent(headers, "Access-Control-Max-Age", maxAge);
    }

    /** 200, empty; {@link #decorate} adds the configured headers like on any response. */
    Response preflight(Request request) {
        return Responses.empty(200);
    }

    void checkOrigin(Request request) {
        originCheck.check(request);
    }

    private static void setIfPresent(HttpHeaders headers, String name, String value) {
        if (!value.isBlank()) {
            headers.set(name, value);
        }
    }

    public static final class Builder {
        private String allowOrigin = "";
        private String allowCredentials = "";
        private String allowHeaders = "";
        private String allowMethods = "";
        private String exposeHeaders = "";
        private String maxAge = "";
        private boolean echoOrigin;
        private OriginCheck originCheck = OriginCheck.allowAll();

        private Builder() {
        }

        public Builder allowOrigin(String value) {
            this.allowOrigin = orEmpty(value);
            return this;
        }

        public Builder allowCredentials(String value) {
            this.allowCredentials = orEmpty(value);
            return this;
        }

        public Builder allowHeaders(String value) {
            this.allowHeaders = orEmpty(value);
            return this;
        }

        public Builder allowMethods(String value) {
            this.allowMethods = orEmpty(value);
            return this;
        }

        public Builder exposeHeaders(String value) {
            this.exposeHeaders = orEmpty(value);
            return this;
        }

        public Builder maxAge(String value) {
            this.maxAge = orEmpty(value);
            return this;
        }

        /** Reflect the request {@code Origin} when no allow-origin is configured (Jupyter Server quirk). */
        public Builder echoOriginWhenUnset(boolean echo) {
            this.echoOrigin = echo;
            return this;
        }

        /** Runs after auth on every non-OPTIONS request; see {@link OriginCheck#sameHostOr}. */
        public Builder originCheck(OriginCheck check) {
            this.originCheck = Objects.requireNonNull(check);
            return this;
        }

        public Cors build() {
            return new Cors(this);
        }

        private static String orEmpty(String value) {
            return value == null ? "" : value;
        }
    }
}
