package dev.kernelgate.http;

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

    /**
     * Queues a text frame of UTF-8 bytes without flushing, so a burst of frames leaves in one write; {@link #flush()}
     * sends what is queued. Event loop only. False (and nothing queued) once closing.
     */
    boolean writeText(byte[] utf8);

    /** As {@link #writeText} for a binary frame. */
    boolean writeBinary(byte[] data);

    /** Sends the frames queued by {@link #writeText} / {@link #writeBinary}. */
    void flush();

    /** Sends a close frame; the connection drops when the peer answers or after a short grace period. */
    void close(int code, String reason);

    boolean isOpen();

    /** Whether the socket's outbound buffer is below its high-water mark. */
    boolean isWritable();

    /** The connection's event loop. */
    EventExecutor executor();
}
