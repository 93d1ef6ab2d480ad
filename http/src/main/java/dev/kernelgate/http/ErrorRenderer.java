package dev.kernelgate.http;

/**
 * How one face reports failures: its upstream's error body format, in one place.
 *
 * <p>The kit routes every failure through here: handler exceptions, failed futures, 404/405 from the
 * route table, 401 from auth, 413, malformed HTTP. Non-{@link HttpError} failures first go through
 * {@link #map}; what stays unmapped becomes {@link HttpError#unexpected} (500, logged once).
 */
public interface ErrorRenderer {

    /** Translate a domain exception to an HTTP error, or return {@code null} to treat it as unexpected. */
    default HttpError map(Throwable failure) {
        return null;
    }

    /**
     * The response for {@code error}. Must not throw; a plain 500 replaces a renderer that does.
     * {@link HttpError#headers()} are added by the kit afterwards.
     */
    Response render(HttpError error, Request request);
}
