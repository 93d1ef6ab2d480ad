package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;

/**
 * The sink of a streamed response. Thread-safe: calls from any thread are applied in call order on the
 * connection's event loop. Writes are queued, so a producer that can outrun the client should watch
 * {@link #isWritable()} and resume on {@link #onWritable}.
 */
public interface BodyWriter {

    /** Queues a chunk (ownership passes to the writer). False, and the chunk released, once ended or closed. */
    boolean write(ByteBuf chunk);

    boolean write(byte[] bytes);

    /** Finishes the response (sends headers first if nothing was written yet). Idempotent. */
    void end();

    /**
     * Ends with a failure: before any byte went out this is a normal error response through the face's
     * renderer; afterwards the connection is closed so the client sees a truncated body, not a complete one.
     */
    void fail(Throwable error);

    /** False once ended or the client went away. */
    boolean isOpen();

    /** Whether the socket's outbound buffer is below its high-water mark. */
    boolean isWritable();

    /** Runs {@code callback} on the event loop each time the socket becomes writable again. */
    void onWritable(Runnable callback);

    /** Runs {@code callback} on the event loop if the client disconnects before {@link #end()}. */
    void onDisconnect(Runnable callback);

    /** The connection's event loop, for timers that must die with the response. */
    EventExecutor executor();

    ByteBufAllocator alloc();

    /** The face's JSON codec. */
    JsonCodec json();
}
