package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;

/**
 * Events of one accepted WebSocket, delivered on its event loop in order; do not block here.
 * Fragmented messages arrive reassembled. A listener that throws gets the socket closed with 1011.
 */
public interface WebSocketListener {

    default void onOpen(WebSocketSession session) {
    }

    default void onText(WebSocketSession session, String text) {
    }

    /** {@code data} is valid during the call only; {@code retain()} it (and release later) to keep it. */
    default void onBinary(WebSocketSession session, ByteBuf data) {
    }

    /**
     * Called once when the connection is gone: with the peer's close code, the code we closed with
     * (1009 for an oversized message, 1001 for a missed pong), or 1006 when the TCP connection just dropped.
     */
    default void onClose(WebSocketSession session, int code, String reason) {
    }

    default void onWritabilityChanged(WebSocketSession session, boolean writable) {
    }
}
