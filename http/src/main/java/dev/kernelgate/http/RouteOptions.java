package dev.kernelgate.http;

/**
 * Per-route settings.
 *
 * @param authExempt   skip token auth (swagger, health checks)
 * @param maxBodyBytes request body limit; negative means the server default (buffered routes) or no limit
 *                     (streaming routes)
 * @param errors       error format for this route, or {@code null} for the face's; KG needs this because its
 *                     kernel-action routes answer in Jupyter Server's {@code {"message","reason"}} format
 * @param streamedBody dispatch at the request head and hand the body over incrementally through
 *                     {@link Request#bodyStream()} instead of aggregating it in memory (uploads)
 */
public record RouteOptions(boolean authExempt, long maxBodyBytes, ErrorRenderer errors, boolean streamedBody) {

    private static final RouteOptions DEFAULTS = new RouteOptions(false, -1, null, false);

    public RouteOptions(boolean authExempt, long maxBodyBytes, ErrorRenderer errors) {
        this(authExempt, maxBodyBytes, errors, false);
    }

    public static RouteOptions defaults() {
        return DEFAULTS;
    }

    public static RouteOptions noAuth() {
        return DEFAULTS.withNoAuth();
    }

    public static RouteOptions bodyLimit(long bytes) {
        return DEFAULTS.withBodyLimit(bytes);
    }

    /** A streaming body with no size limit (add one with {@link #withBodyLimit}). */
    public static RouteOptions streaming() {
        return DEFAULTS.withStreaming();
    }

    public RouteOptions withNoAuth() {
        return new RouteOptions(true, maxBodyBytes, errors, streamedBody);
    }

    public RouteOptions withBodyLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative body limit");
        }
        return new RouteOptions(authExempt, bytes, errors, streamedBody);
    }

    public RouteOptions withErrors(ErrorRenderer renderer) {
        return new RouteOptions(authExempt, maxBodyBytes, renderer, streamedBody);
    }

    public RouteOptions withStreaming() {
        return new RouteOptions(authExempt, maxBodyBytes, errors, true);
    }
}
