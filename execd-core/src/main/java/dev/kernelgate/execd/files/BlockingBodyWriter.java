package dev.kernelgate.execd.files;

import dev.kernelgate.http.BodyWriter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A producer thread's view of a streamed response: {@link #write} returns once the chunk is handed to the
 * socket and the socket is below its high-water mark again, so a producer reading a big file never queues more
 * than one chunk ahead of the client.
 */
final class BlockingBodyWriter {

    private static final long STALL_SECONDS = 300;

    private final BodyWriter out;
    private final Object lock = new Object();

    BlockingBodyWriter(BodyWriter out) {
        this.out = out;
        out.onWritable(this::wake);
        out.onDisconnect(this::wake);
    }

    private void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Sends {@code chunk} (ownership passes) and waits until the client can take more. */
    void write(ByteBuf chunk) throws IOException {
        if (!out.write(chunk)) {
            throw new IOException("client went away");
        }
        // Queued after the write on the event loop: by the time it runs the chunk is in the channel.
        CompletableFuture<Boolean> writable = new CompletableFuture<>();
        try {
            out.executor().execute(() -> writable.complete(out.isWritable()));
        } catch (RejectedExecutionException e) {
            throw new IOException("server is shutting down");
        }
        try {
            if (writable.get(STALL_SECONDS, TimeUnit.SECONDS)) {
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STALL_SECONDS);
            synchronized (lock) {
                while (out.isOpen() && !out.isWritable()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IOException("client stopped reading");
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                }
            }
            if (!out.isOpen()) {
                throw new IOException("client went away");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("response stalled", e);
        }
    }

    ByteBuf buffer(int capacity) {
        return out.alloc().directBuffer(capacity);
    }

    void end() {
        out.end();
    }

    void fail(Throwable error) {
        out.fail(error);
    }
}
