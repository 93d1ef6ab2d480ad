package dev.kernelgate.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;

/** An open WebSocket. Thread-safe; sends are queued and flushed in call order per thread. */
public interface WebSocketSession {

    /** The upgrade request (path params, query, headers). */
    Request request();

    /** The selected subprotocol, or {@code null}. */
    String subprotocol();

    /** False (and nothing sent) once closing. */
    boolean sendText(String text);

    /** Takes ownership of {@code data}. */
    boolean sendBinary(ByteBuf data);

    boolean sendBinary(byte[] data);

    /** Sends a close frame; the connection drops when the peer answers or after a short grace period. */
    void close(int code, String reason);

    boolean isOpen();

    /** Whether the socket's outbound buffer is below its high-water mark. */
    boolean isWritable();

    /** The connection's event loop. */
    EventExecutor executor();
}
