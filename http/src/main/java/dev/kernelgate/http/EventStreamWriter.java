package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes an execd-style event stream: each event one JSON object followed by {@code "\n\n"}, flushed at
 * once. Thread-safe (see {@link BodyWriter}); headers go out with the first event, so a failure before it
 * is still a normal JSON error.
 */
public final class EventStreamWriter {

    private final BodyWriter out;
    private final Object pingLock = new Object();
    private ScheduledFuture<?> ping;

    EventStreamWriter(BodyWriter out) {
        this.out = out;
        out.onDisconnect(this::stopPing);
    }

    /**
     * Serializes {@code event} with the face's JSON codec (on the calling thread, so a value that cannot be
     * serialized fails here) and sends it. False once the stream is over.
     */
    public boolean send(Object event) {
        return sendJson(encode(event));
    }

    /** {@code event} in the face's JSON, as {@link #send} would write it (for a caller that queues events). */
    public byte[] encode(Object event) {
        return out.json().write(event);
    }

    /** Sends an already serialized JSON object. */
    public boolean sendJson(byte[] json) {
        ByteBuf chunk = out.alloc().buffer(json.length + 2);
        chunk.writeBytes(json).writeByte('\n').writeByte('\n');
        return out.write(chunk);
    }

    /**
     * Sends {@code event.get()} every {@code interval} on the connection's event loop until the stream
     * ends or the client leaves (execd pings every 3 s after {@code init}).
     */
    public void startPing(Duration interval, Supplier<?> event) {
        Objects.requireNonNull(event, "event");
        long nanos = interval.toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("ping interval must be positive");
        }
        synchronized (pingLock) {
            if (ping != null || !out.isOpen()) {
                return;
            }
            try {
                ping = out.executor().scheduleAtFixedRate(() -> {
                    if (!out.isOpen() || !send(event.get())) {
                        stopPing();
                    }
                }, nanos, nanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The server is shutting down; the stream is about to close anyway.
            }
        }
    }

    /** Sends {@code terminalEvent} and finishes the response right after it. */
    public void end(Object terminalEvent) {
        send(terminalEvent);
        end();
    }

    public void end() {
        stopPing();
        out.end();
    }

    /** See {@link BodyWriter#fail}. */
    public void fail(Throwable error) {
        stopPing();
        out.fail(error);
    }

    public boolean isOpen() {
        return out.isOpen();
    }

    public boolean isWritable() {
        return out.isWritable();
    }

    public void onWritable(Runnable callback) {
        out.onWritable(callback);
    }

    public void onDisconnect(Runnable callback) {
        out.onDisconnect(callback);
    }

    private void stopPing() {
        synchronized (pingLock) {
            if (ping != null) {
                ping.cancel(false);
            }
        }
    }
}
