package dev.kernelgate.http;

/**
 * Handles one HTTP route. Runs on the event loop: return quickly, and put blocking work on the
 * blocking executor with {@link Request#offload} (or return a {@link Response.Deferred}).
 * Anything thrown goes through the face's {@link ErrorRenderer}.
 */
@FunctionalInterface
public interface RouteHandler {
    Response handle(Request request) throws Exception;
}
