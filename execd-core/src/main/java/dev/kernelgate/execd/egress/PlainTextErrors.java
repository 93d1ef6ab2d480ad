package dev.kernelgate.execd.egress;

import dev.kernelgate.http.ErrorRenderer;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;

/** Upstream's sidecar answers errors as one line of plain text (Go's {@code http.Error}). */
final class PlainTextErrors implements ErrorRenderer {
    @Override
    public Response render(HttpError error, Request request) {
        String message = error.message() == null || error.message().isBlank() ? fallback(error.status())
                : error.message();
        return text(error.status(), message);
    }

    static Response text(int status, String message) {
        return Responses.text(status, message + "\n").withHeader("X-Content-Type-Options", "nosniff");
    }

    private static String fallback(int status) {
        return switch (status) {
            case 401 -> "unauthorized";
            case 404 -> "404 page not found";
            case 405 -> "method not allowed";
            case 413 -> "request body too large";
            default -> "error " + status;
        };
    }
}
