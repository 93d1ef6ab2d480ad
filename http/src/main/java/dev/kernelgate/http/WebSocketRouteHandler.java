package dev.kernelgate.http;

import java.util.concurrent.CompletionStage;

/**
 * Decides on a WebSocket upgrade before the handshake. Runs on the event loop after auth and the
 * origin check. To refuse, throw (or fail the stage with) an {@link HttpError} such as 404/401/403: it is
 * answered as a plain HTTP response in the face's format, no upgrade happens. To accept, complete with
 * the chosen subprotocol (one of {@link Request#webSocketSubprotocols()}, or none) and a listener.
 */
@FunctionalInterface
public interface WebSocketRouteHandler {
    CompletionStage<WebSocketAcceptance> accept(Request request) throws Exception;
}
