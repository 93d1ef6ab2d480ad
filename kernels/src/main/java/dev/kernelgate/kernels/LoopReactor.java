package dev.kernelgate.kernels;

import dev.kernelgate.kernels.zmtp.ZmtpSocket;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kernel's sockets as ZMTP connections on one Netty event loop, which it shares with other kernels and with the
 * HTTP server's connections: a message from the kernel is read, decoded and handed on by the thread that will
 * write it to a client, with no hand-off of its own and no wake-up.
 */
final class LoopReactor implements KernelReactor {
    private static final Logger log = LoggerFactory.getLogger(LoopReactor.class);

    private final EventLoop loop;
    private final String name;
    private final long handshakeMillis;
    private final AtomicInteger timers = new AtomicInteger();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Timers not yet run or withdrawn: cancelled when the reactor stops, so a gone kernel leaves none on the loop. */
    private final Set<ScheduledFuture<?>> pendingTimers = ConcurrentHashMap.newKeySet();
    /** Set by {@link #close()}: no new work is taken. */
    private volatile boolean closing;
    // Event-loop state.
    private final Set<Handle> sockets = new LinkedHashSet<>();
    /** Set once the sockets are closed: work queued before the close but not yet run is dropped from then on. */
    private boolean stopped;

    LoopReactor(EventLoop loop, String name, long handshakeMillis) {
        this.loop = loop;
        this.name = name;
        this.handshakeMillis = handshakeMillis;
    }

    private final class Handle implements Socket {
        final ZmtpSocket socket;

        Handle(ZmtpSocket socket) {
            this.socket = socket;
        }

        @Override
        public boolean send(List<byte[]> frames) {
            return socket.send(frames);
        }
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public boolean inReactor() {
        return loop.inEventLoop();
    }

    @Override
    public boolean execute(Runnable task) {
        if (closing) {
            return false;
        }
        try {
            loop.execute(() -> run(task, "task"));
            return true;
        } catch (RejectedExecutionException e) {
            log.debug("reactor {}: its event loop is shut down; task dropped", name);
            return false;
        }
    }

    @Override
    public Scheduled schedule(long delayMillis, Runnable task) {
        assertInReactor();
        timers.incrementAndGet();
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        ScheduledFuture<?> future = loop.schedule(() -> {
            timers.decrementAndGet();
            pendingTimers.remove(self[0]);
            run(task, "timer");
        }, delayMillis, TimeUnit.MILLISECONDS);
        self[0] = future;
        pendingTimers.add(future);
        return () -> {
            if (future.cancel(false)) {
                timers.decrementAndGet();
                pendingTimers.remove(future);
            }
        };
    }

    @Override
    public CompletableFuture<Integer> timerCount() {
        return CompletableFuture.completedFuture(timers.get());
    }

    @Override
    public Socket open(Kind kind, String endpoint, byte[] identity, FrameHandler handler) {
        assertInReactor();
        URI uri = URI.create(endpoint);
        if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("the zmtp transport dials tcp://host:port endpoints, not " + endpoint);
        }
        ZmtpSocket.Type type = kind == Kind.SUB ? ZmtpSocket.Type.SUB : ZmtpSocket.Type.DEALER;
        ZmtpSocket socket = new ZmtpSocket(loop, type, uri.getHost(), uri.getPort(), identity, handshakeMillis,
                frames -> {
                    if (!stopped) {
                        try {
                            handler.onFrames(frames);
                        } catch (RuntimeException e) {
                            log.error("handler of reactor {} failed; message dropped", name, e);
                        }
                    }
                });
        Handle handle = new Handle(socket);
        sockets.add(handle);
        socket.connect();
        return handle;
    }

    @Override
    public void close(Socket socket) {
        assertInReactor();
        Handle handle = (Handle) socket;
        if (sockets.remove(handle)) {
            handle.socket.close();
        }
    }

    @Override
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            loop.execute(this::stop);
        } catch (RejectedExecutionException e) {
            // The loop is gone, and the connections with it.
            terminated.complete(null);
        }
    }

    private void stop() {
        stopped = true;
        for (Handle h : new ArrayList<>(sockets)) {
            h.socket.close();
        }
        sockets.clear();
        for (ScheduledFuture<?> timer : pendingTimers) {
            if (timer.cancel(false)) {
                timers.decrementAndGet();
            }
        }
        pendingTimers.clear();
        terminated.complete(null);
    }

    private void run(Runnable work, String what) {
        if (stopped) {
            return;
        }
        try {
            work.run();
        } catch (RuntimeException e) {
            log.error("{} on reactor {} failed", what, name, e);
        }
    }

    private void assertInReactor() {
        if (!inReactor()) {
            throw new IllegalStateException("the sockets of reactor " + name + " used from "
                    + Thread.currentThread().getName());
        }
    }
}
