package dev.kernelgate.http;

import io.netty.channel.EventLoop;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A yes to a WebSocket upgrade.
 *
 * @param subprotocol one of the client's offered subprotocols, or {@code null} for none
 * @param listener    receives the connection's events
 * @param loop        the event loop the connection should live on (one of the server's, where the thing it talks
 *                    to runs, so their messages cross no thread), or {@code null} to stay where it was accepted
 */
public record WebSocketAcceptance(String subprotocol, WebSocketListener listener, EventLoop loop) {

    public WebSocketAcceptance {
        Objects.requireNonNull(listener, "listener");
    }

    public static WebSocketAcceptance of(String subprotocol, WebSocketListener listener) {
        return new WebSocketAcceptance(subprotocol, listener, null);
    }

    /** The same acceptance, asking for the connection to move to {@code loop} (null: stay). */
    public WebSocketAcceptance onLoop(EventLoop loop) {
        return new WebSocketAcceptance(subprotocol, listener, loop);
    }

    /** For handlers that decide synchronously. */
    public CompletionStage<WebSocketAcceptance> completed() {
        return CompletableFuture.completedFuture(this);
    }
}
