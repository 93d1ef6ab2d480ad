package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link BodySource} of a streaming route: the connection's event loop {@link #offer}s body chunks, one
 * consumer thread {@link #read}s them. Backpressure by the channel's autoRead: above {@link #HIGH_WATER} queued
 * bytes the socket is no longer read, below {@link #LOW_WATER} it is read again. Chunks are the decoder's
 * retained slices of Netty's pooled (direct) buffers, so nothing is copied and the heap stays flat.
 */
final class StreamingRequestBody implements BodySource {

    static final int HIGH_WATER = 2 * 1024 * 1024;
    static final int LOW_WATER = 512 * 1024;
    /** A waiting consumer is woken once this much is queued, or at the end of a socket read burst. */
    static final int WAKE_BYTES = 256 * 1024;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Channel channel;
    private final long limit;
    private final long declaredLength;
    private final long idleNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long received;
    private long delivered;
    private boolean ended;
    private boolean discarding;
    private Throwable failure;
    private boolean paused;
    private boolean resumeScheduled;
    private boolean consumerWaiting;
    private long maxQueuedBytes;

    /**
     * @param limit     largest body accepted (413 above), {@link Long#MAX_VALUE} for none
     * @param idleNanos a read waiting longer than this for the next byte fails; 0 waits forever
     */
    StreamingRequestBody(Channel channel, long limit, long declaredLength, long idleNanos) {
        this.channel = channel;
        this.limit = limit;
        this.declaredLength = declaredLength;
        this.idleNanos = idleNanos;
    }

    // ---- event-loop side ----

    /** Takes ownership of {@code content}. */
    void offer(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        ByteBuf data = content.content();
        lock.lock();
        try {
            if (last) {
                ended = true;
                changed.signalAll();
            }
            if (failure != null || discarding) {
                content.release();
                return;
            }
            received += data.readableBytes();
            if (received > limit) {
                content.release();
                failLocked(HttpError.payloadTooLarge(limit));
                return;
            }
            if (data.isReadable()) {
                queue.add(data.retain());
                queuedBytes += data.readableBytes();
                maxQueuedBytes = Math.max(maxQueuedBytes, queuedBytes);
            }
            content.release();
            if (!ended && !paused && queuedBytes >= HIGH_WATER) {
                paused = true;
                channel.config().setAutoRead(false);
            }
            if (consumerWaiting && queuedBytes >= WAKE_BYTES) {
                changed.signalAll(); // one wake-up per batch rather than per chunk
            }
        } finally {
            lock.unlock();
        }
    }

    /** The socket has no more bytes for now: wake a waiting consumer for whatever is queued. */
    void readComplete() {
        lock.lock();
        try {
            if (consumerWaiting && !queue.isEmpty()) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The body cannot complete (connection closed, malformed chunk); ignored once it has fully arrived. */
    void fail(Throwable cause) {
        lock.lock();
        try {
            if (!ended) {
                failLocked(cause);
            }
        } finally {
            lock.unlock();
        }
    }

    private void failLocked(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        releaseQueued();
        changed.signalAll();
    }

    // ---- consumer side ----

    @Override
    public ByteBuf read() throws IOException {
        lock.lock();
        try {
            long waited = 0;
            while (queue.isEmpty() && failure == null && !ended && !discarding) {
                if (idleNanos > 0 && waited >= idleNanos) {
                    throw new IOException("no request body data for "
                            + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + " s");
                }
                consumerWaiting = true;
                try {
                    // Bounded: a wake-up only comes per batch, so look again now and then.
                    long slice = idleNanos > 0 ? Math.min(POLL_NANOS, idleNanos - waited) : POLL_NANOS;
                    waited += slice - Math.max(0, changed.awaitNanos(slice));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading the request body");
                } finally {
                    consumerWaiting = false;
                }
            }
            if (failure != null) {
                if (failure instanceof HttpError error) {
                    throw error;
                }
                throw failure instanceof IOException io ? new IOException(io.getMessage(), io)
                        : new IOException("request body failed: " + failure.getMessage(), failure);
            }
            ByteBuf next = queue.poll();
            if (next == null) {
                return null;
            }
            queuedBytes -= next.readableBytes();
            delivered += next.readableBytes();
            if (paused && !resumeScheduled && queuedBytes < LOW_WATER) {
                resumeScheduled = true;
                scheduleResume();
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    private void scheduleResume() {
        try {
            channel.eventLoop().execute(() -> {
                lock.lock();
                try {
                    resumeScheduled = false;
                    // Once the body has ended the connection handler owns autoRead (pipelining) again.
                    if (paused && !ended && queuedBytes < LOW_WATER) {
                        paused = false;
                        channel.config().setAutoRead(true);
                    }
                } finally {
                    lock.unlock();
                }
            });
        } catch (RejectedExecutionException e) {
            resumeScheduled = false; // the loop is shutting down; the channel is going away
        }
    }

    @Override
    public long contentLength() {
        return declaredLength;
    }

    @Override
    public long bytesRead() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isComplete() {
        lock.lock();
        try {
            return ended && failure == null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the last chunk has arrived, failed or not. */
    boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the socket is not being read because the consumer lags (tests). */
    boolean paused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /** The most bytes ever queued at once (tests). */
    long maxQueuedBytes() {
        lock.lock();
        try {
            return maxQueuedBytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void discard() {
        lock.lock();
        try {
            discarding = true;
            releaseQueued();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void releaseQueued() {
        ByteBuf b;
        while ((b = queue.poll()) != null) {
            b.release();
        }
        queuedBytes = 0;
    }
}
