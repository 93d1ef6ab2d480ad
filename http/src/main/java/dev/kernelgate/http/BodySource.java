package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * A request body read incrementally, for routes with {@link RouteOptions#streaming()} (uploads): the handler is
 * called as soon as the request head is in, and pulls the body chunk by chunk from a blocking thread (see
 * {@link Request#offload}) while the connection reads the socket only as fast as the chunks are taken, so
 * memory use does not grow with the body. On a buffered route the same interface reads the aggregated body.
 *
 * <p>One consumer thread at a time. A handler that answers before reading everything is fine: the kit drops
 * the rest of the body (briefly, then it closes the connection). {@link BodySourceInputStream} reads one as a stream.
 */
public interface BodySource {

    /**
     * The next chunk, waiting for it if needed; {@code null} at the end of the body (or after {@link #discard()}).
     * The caller owns the chunk and must release it. Never call on an event loop.
     *
     * @throws HttpError   413 once the body exceeds the route's limit
     * @throws IOException when the client goes away or sends a malformed body, when no byte arrives for the
     *                     server's idle timeout, or when the waiting thread is interrupted
     *                     ({@link java.io.InterruptedIOException})
     */
    ByteBuf read() throws IOException;

    /** The declared {@code Content-Length}, or -1 for a chunked body. */
    long contentLength();

    /** Bytes handed out by {@link #read()} so far. */
    long bytesRead();

    /** True once the whole body has arrived (it may still be queued for {@link #read()}). */
    boolean isComplete();

    /** Drops whatever is left of the body; later reads return {@code null}. Idempotent. */
    void discard();
}
