package dev.kernelgate.gateway.http;

/**
 * Per-route settings.
 *
 * @param authExempt   skip token auth (swagger, health checks)
 * @param maxBodyBytes request body limit; negative means the server default
 * @param errors       error format for this route, or {@code null} for the face's; KG needs this because its
 *                     kernel-action routes answer in Jupyter Server's {@code {"message","reason"}} format
 */
public record RouteOptions(boolean authExempt, long maxBodyBytes, ErrorRenderer errors) {

    private static final RouteOptions DEFAULTS = new RouteOptions(false, -1, null);

    public static RouteOptions defaults() {
        return DEFAULTS;
    }

    public static RouteOptions noAuth() {
        return DEFAULTS.withNoAuth();
    }

    public static RouteOptions bodyLimit(long bytes) {
        return DEFAULTS.withBodyLimit(bytes);
    }

    public RouteOptions withNoAuth() {
        return new RouteOptions(true, maxBodyBytes, errors);
    }

    public RouteOptions withBodyLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative body limit");
        }
        return new RouteOptions(authExempt, bytes, errors);
    }

    public RouteOptions withErrors(ErrorRenderer renderer) {
        return new RouteOptions(authExempt, maxBodyBytes, renderer);
    }
}
