package dev.kernelgate.http;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place a Throwable becomes an {@link HttpError}, and the one place unexpected ones are logged. */
final class Failures {

    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    /** Maps with the route's renderer, then the face's; what neither knows is unexpected. */
    static HttpError toHttpError(Throwable failure, ErrorRenderer route, ErrorRenderer face, Request request) {
        Throwable cause = unwrap(failure);
        if (cause instanceof HttpError e) {
            return e;
        }
        for (ErrorRenderer renderer : route == face ? new ErrorRenderer[] {face} : new ErrorRenderer[] {route, face}) {
            try {
                HttpError mapped = renderer.map(cause);
                if (mapped != null) {
                    return mapped;
                }
            } catch (RuntimeException mapFailure) {
                cause.addSuppressed(mapFailure);
            }
        }
        log.error("Unhandled error serving {}", request, cause);
        return HttpError.unexpected(cause);
    }

    /**
     * {@code error} in the face's format, with the error's own headers; null when the renderer fails or renders
     * something other than a full or JSON response (the caller then answers with the bare status).
     */
    static Response render(ErrorRenderer errors, HttpError error, Request request) {
        Response rendered;
        try {
            rendered = errors.render(error, request);
        } catch (RuntimeException e) {
            log.error("Error renderer failed for {}", request, e);
            return null;
        }
        if (!(rendered instanceof Response.Full) && !(rendered instanceof Response.Json)) {
            return null;
        }
        for (Header h : error.headers()) {
            rendered = rendered.withHeader(h.name(), h.value());
        }
        return rendered;
    }

    /** Futures wrap the handler's real exception; the face wants to see that one. */
    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
