package dev.kernelgate.http;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A yes to a WebSocket upgrade.
 *
 * @param subprotocol one of the client's offered subprotocols, or {@code null} for none
 * @param listener    receives the connection's events
 */
public record WebSocketAcceptance(String subprotocol, WebSocketListener listener) {

    public WebSocketAcceptance {
        Objects.requireNonNull(listener, "listener");
    }

    public static WebSocketAcceptance of(String subprotocol, WebSocketListener listener) {
        return new WebSocketAcceptance(subprotocol, listener);
    }

    /** For handlers that decide synchronously. */
    public CompletionStage<WebSocketAcceptance> completed() {
        return CompletableFuture.completedFuture(this);
    }
}
