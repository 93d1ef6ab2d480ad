package dev.kernelgate.kernels;

import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The thread that owns a kernel's sockets: every socket call, every frame handler, every task and timer of one
 * kernel runs on it, so the kernel's state needs no locks. Two transports implement it ({@link KernelTransport}):
 * JeroMQ sockets on a thread of their own, and ZMTP connections on a Netty event loop.
 */
interface KernelReactor extends AutoCloseable {
    /** The socket types the gateway opens to a kernel. */
    enum Kind { DEALER, SUB }

    /** Receives the frames of one multipart message, on the reactor thread. */
    interface FrameHandler {
        void onFrames(List<byte[]> frames);
    }

    /** A socket opened by {@link #open}; used only on the reactor thread. */
    interface Socket {
        /** Sends a multipart message (queued until connected); false when the socket cannot take it. */
        boolean send(List<byte[]> frames);
    }

    /** A timer that can be withdrawn before it fires. */
    interface Scheduled {
        /** Drops the timer (and whatever its task holds); from any thread, idempotent. */
        void cancel();
    }

    boolean inReactor();

    /** The Netty event loop this reactor runs on, or null when it is a thread of its own. */
    default EventLoop eventLoop() {
        return null;
    }

    /**
     * Runs {@code task} on the reactor thread, after the tasks handed over before it. False when the reactor is
     * closed and the task was dropped: whoever waits for its effect must be told some other way.
     */
    boolean execute(Runnable task);

    /** Runs {@code task} on the reactor thread after {@code delayMillis}; call on the reactor thread. */
    Scheduled schedule(long delayMillis, Runnable task);

    /**
     * Runs {@code onExpiry} on the reactor thread after {@code delayMillis} unless {@code done} completes first;
     * completion withdraws the timer, so an answered request is not held until its deadline. Call on the reactor
     * thread.
     */
    default void deadline(CompletableFuture<?> done, long delayMillis, Runnable onExpiry) {
        Scheduled timer = schedule(delayMillis, onExpiry);
        done.whenComplete((r, e) -> timer.cancel());
    }

    /** How many timers are pending (a snapshot, taken on the reactor thread). */
    CompletableFuture<Integer> timerCount();

    /** Creates and connects a socket to {@code endpoint} ({@code tcp://host:port}); call on the reactor thread. */
    Socket open(Kind kind, String endpoint, byte[] identity, FrameHandler handler);

    /** Closes a socket opened by {@link #open}; call on the reactor thread. */
    void close(Socket socket);

    /** Completes when the reactor has stopped and closed every socket it owned. */
    CompletableFuture<Void> terminated();

    /** Stops the reactor and closes every socket it still owns. Safe from any thread, idempotent. */
    @Override
    void close();
}
