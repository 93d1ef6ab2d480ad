package dev.kernelgate.kernels;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * One thread that owns a set of JeroMQ sockets (JeroMQ sockets are not thread-safe). Other threads hand it
 * work with {@link #execute}; it wakes through a pipe registered in the same poller, so a hand-off costs one
 * pipe write and no polling delay. Timers run on the same thread.
 */
final class ZmqReactor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZmqReactor.class);
    /** Messages read from one socket before the others get a turn. */
    private static final int READ_BUDGET = 256;
    /**
     * How long a connection's ZMTP handshake may take before the socket drops it and dials again. On loopback a
     * handshake takes well under a millisecond; JeroMQ's default of 30 s would leave a stalled one (and the
     * requests queued behind it) waiting that long. Queued messages survive the redial.
     */
    static final int HANDSHAKE_MILLIS = 5000;

    /** Receives the frames of one multipart message, on the reactor thread. */
    interface FrameHandler {
        void onFrames(List<byte[]> frames);
    }

    private static final class Registration {
        final ZMQ.Socket socket;
        final FrameHandler handler;
        boolean closed;

        Registration(ZMQ.Socket socket, FrameHandler handler) {
            this.socket = socket;
            this.handler = handler;
        }
    }

    private record Timer(long deadlineNanos, long seq, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadlineNanos, o.deadlineNanos);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final ZMQ.Context context;
    private final int handshakeMillis;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Pipe wakeup;
    private final ByteBuffer wakeByte = ByteBuffer.allocate(1);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean closing;

    // Reactor-thread state.
    private final List<Registration> registrations = new ArrayList<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSeq;
    private ZMQ.Poller poller;
    private boolean pollerStale = true;
    private boolean backlog;

    ZmqReactor(ZMQ.Context context, String name) {
        this(context, name, HANDSHAKE_MILLIS);
    }

    ZmqReactor(ZMQ.Context context, String name, int handshakeMillis) {
        this.context = context;
        this.handshakeMillis = handshakeMillis;
        try {
            this.wakeup = Pipe.open();
            wakeup.source().configureBlocking(false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the reactor wake-up pipe", e);
        }
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean inReactor() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the reactor thread; silently dropped once the reactor is closed. */
    void execute(Runnable task) {
        if (closing) {
            return;
        }
        tasks.add(task);
        if (wakeupPending.compareAndSet(false, true)) {
            try {
                wakeup.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                if (!closing) {
                    log.warn("reactor {} wake-up failed", thread.getName(), e);
                }
            }
        }
    }

    /** A timer that can be withdrawn before it fires. */
    interface Scheduled {
        /** Drops the timer (and whatever its task holds) from the queue; from any thread, idempotent. */
        void cancel();
    }

    /** Runs {@code task} on the reactor thread after {@code delayMillis}; call on the reactor thread. */
    Scheduled schedule(long delayMillis, Runnable task) {
        assertInReactor();
        Timer timer = new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), timerSeq++, task);
        timers.add(timer);
        return () -> {
            if (inReactor()) {
                timers.remove(timer);
            } else {
                execute(() -> timers.remove(timer));
            }
        };
    }

    /**
     * Runs {@code onExpiry} on the reactor thread after {@code delayMillis} unless {@code done} completes first;
     * completion withdraws the timer, so an answered request is not held until its deadline. Call on the reactor
     * thread.
     */
    void deadline(CompletableFuture<?> done, long delayMillis, Runnable onExpiry) {
        Scheduled timer = schedule(delayMillis, onExpiry);
        done.whenComplete((r, e) -> timer.cancel());
    }

    /** How many timers wait in the queue (a snapshot, taken on the reactor thread). */
    CompletableFuture<Integer> timerCount() {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        execute(() -> count.complete(timers.size()));
        return count;
    }

    /** Creates, configures and connects a socket owned by this reactor; call on the reactor thread. */
    ZMQ.Socket open(SocketType type, String endpoint, byte[] identity, FrameHandler handler) {
        assertInReactor();
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(0);
        // Never drop: unbounded queues both ways (PUB/SUB would otherwise discard at the high-water mark).
        socket.setRcvHWM(0);
        socket.setSndHWM(0);
        // Kernels are only connected to once their ports listen; reconnects matter after a restart.
        socket.setReconnectIVL(50);
        socket.setReconnectIVLMax(500);
        socket.setHandshakeIvl(handshakeMillis);
        socket.setEventHook(new HandshakeWatch(thread.getName(), endpoint), HandshakeWatch.EVENTS);
        if (identity != null) {
            socket.setIdentity(identity);
        }
        if (type == SocketType.SUB) {
            socket.subscribe(new byte[0]);
        }
        socket.connect(endpoint);
        registrations.add(new Registration(socket, handler));
        pollerStale = true;
        return socket;
    }

    /** Closes a socket opened by {@link #open}; call on the reactor thread. */
    void close(ZMQ.Socket socket) {
        assertInReactor();
        registrations.removeIf(r -> {
            if (r.socket == socket) {
                r.closed = true;
                return true;
            }
            return false;
        });
        pollerStale = true;
        socket.close();
    }

    /** Sends a multipart message; call on the reactor thread. */
    static boolean send(ZMQ.Socket socket, List<byte[]> frames) {
        int last = frames.size() - 1;
        for (int i = 0; i < last; i++) {
            if (!socket.sendMore(frames.get(i))) {
                return false;
            }
        }
        return socket.send(frames.get(last), 0);
    }

    CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** Stops the thread and closes every socket it still owns. Safe from any thread, idempotent. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        if (inReactor()) {
            closing = true;
            return;
        }
        tasks.add(() -> closing = true);
        if (wakeupPending.compareAndSet(false, true)) {
            try {
                wakeup.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException ignored) {
                // the loop is already gone
            }
        }
    }

    private void run() {
        try {
            while (!closing) {
                if (pollerStale) {
                    rebuildPoller();
                }
                long timeout = nextTimeoutMillis();
                poller.poll(timeout);
                backlog = false;
                // Registrations may change while handlers run: iterate over a snapshot of the current ones.
                int count = registrations.size();
                Registration[] snapshot = registrations.toArray(new Registration[0]);
                for (int i = 0; i < count && !closing; i++) {
                    // ZMQ signals readiness edge-wise: a send on a socket can consume the wake-up of a message
                    // that arrived meanwhile, so ask each socket for its events as well as the poller.
                    if (poller.pollin(i + 1) || poller.pollerr(i + 1) || readable(snapshot[i])) {
                        backlog |= drain(snapshot[i]);
                    }
                }
                if (poller.pollin(0)) {
                    wakeByte.clear();
                    while (wakeup.source().read(wakeByte) > 0) {
                        wakeByte.clear();
                    }
                }
                wakeupPending.set(false);
                runTasks();
                runTimers();
            }
        } catch (Throwable t) {
            log.error("reactor {} stopped by an unexpected error", thread.getName(), t);
        } finally {
            closing = true;
            shutdown();
        }
    }

    private static boolean readable(Registration r) {
        return !r.closed && (r.socket.getEvents() & ZMQ.Poller.POLLIN) != 0;
    }

    private boolean drain(Registration r) {
        for (int n = 0; n < READ_BUDGET; n++) {
            if (r.closed) {
                return false;
            }
            byte[] first = r.socket.recv(ZMQ.DONTWAIT);
            if (first == null) {
                return false;
            }
            List<byte[]> frames = new ArrayList<>(8);
            frames.add(first);
            while (r.socket.hasReceiveMore()) {
                frames.add(r.socket.recv(0));
            }
            try {
                r.handler.onFrames(frames);
            } catch (RuntimeException e) {
                log.error("handler of reactor {} failed; message dropped", thread.getName(), e);
            }
        }
        return true;
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("task on reactor {} failed", thread.getName(), e);
            }
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().deadlineNanos() - now <= 0) {
            try {
                timers.poll().task().run();
            } catch (RuntimeException e) {
                log.error("timer on reactor {} failed", thread.getName(), e);
            }
        }
    }

    private long nextTimeoutMillis() {
        if (backlog || !tasks.isEmpty()) {
            return 0;
        }
        Timer next = timers.peek();
        if (next == null) {
            return -1;
        }
        long nanos = next.deadlineNanos() - System.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void rebuildPoller() {
        if (poller != null) {
            poller.close();
        }
        poller = context.poller(registrations.size() + 1);
        poller.register(wakeup.source(), ZMQ.Poller.POLLIN);
        for (Registration r : registrations) {
            poller.register(r.socket, ZMQ.Poller.POLLIN);
        }
        pollerStale = false;
    }

    private void shutdown() {
        for (Registration r : registrations) {
            r.socket.close();
        }
        registrations.clear();
        timers.clear();
        tasks.clear();
        if (poller != null) {
            poller.close();
        }
        try {
            wakeup.sink().close();
            wakeup.source().close();
        } catch (IOException e) {
            log.debug("closing the wake-up pipe", e);
        }
        terminated.complete(null);
    }

    private void assertInReactor() {
        if (!inReactor()) {
            throw new IllegalStateException("JeroMQ sockets of " + thread.getName() + " used from "
                    + Thread.currentThread().getName());
        }
    }
}
