package dev.kernelgate.gateway.kernel;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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
 * work with {@link #execute}, which wakes its selector. Timers run on the same thread.
 *
 * <p>The loop keeps one NIO selector with every socket's mailbox descriptor registered once, instead of
 * JeroMQ's {@code ZMQ.poll}, which re-registers and re-queries every socket on each call and was the
 * reactor's main CPU cost per message. A ZMQ descriptor only says "the socket has commands": the loop asks
 * every socket for its events after each wake-up, and does not block after an iteration that did work,
 * because a send or receive on a socket can consume the wake-up of a message that arrived meanwhile.
 */
final class ZmqReactor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZmqReactor.class);
    /** Messages read from one socket before the others get a turn. */
    private static final int READ_BUDGET = 256;

    /** Receives the frames of one multipart message, on the reactor thread. */
    interface FrameHandler {
        void onFrames(List<byte[]> frames);
    }

    private static final class Registration {
        final ZMQ.Socket socket;
        final FrameHandler handler;
        SelectionKey key;
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
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Selector selector;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean closing;

    // Reactor-thread state.
    private final List<Registration> registrations = new ArrayList<>();
    private Registration[] snapshot = new Registration[0];
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSeq;
    private boolean didWork;

    ZmqReactor(ZMQ.Context context, String name) {
        this.context = context;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the reactor's selector", e);
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
        wake();
    }

    private void wake() {
        if (!inReactor() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Runs {@code task} on the reactor thread after {@code delayMillis}; call on the reactor thread. */
    void schedule(long delayMillis, Runnable task) {
        assertInReactor();
        timers.add(new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), timerSeq++, task));
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
        if (identity != null) {
            socket.setIdentity(identity);
        }
        if (type == SocketType.SUB) {
            socket.subscribe(new byte[0]);
        }
        socket.connect(endpoint);
        Registration registration = new Registration(socket, handler);
        try {
            SelectableChannel fd = socket.getFD();
            registration.key = fd.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            socket.close();
            throw new IllegalStateException("cannot watch a socket for " + endpoint, e);
        }
        registrations.add(registration);
        snapshot = registrations.toArray(new Registration[0]);
        didWork = true; // a new socket may already hold messages
        return socket;
    }

    /** Closes a socket opened by {@link #open}; call on the reactor thread. */
    void close(ZMQ.Socket socket) {
        assertInReactor();
        registrations.removeIf(r -> {
            if (r.socket == socket) {
                r.closed = true;
                r.key.cancel();
                return true;
            }
            return false;
        });
        snapshot = registrations.toArray(new Registration[0]);
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
            selector.wakeup();
        }
    }

    private void run() {
        try {
            while (!closing) {
                long timeout = didWork ? 0 : nextTimeoutMillis();
                if (timeout == 0) {
                    selector.selectNow();
                } else {
                    selector.select(timeout < 0 ? 0 : timeout);
                }
                selector.selectedKeys().clear();
                wakeupPending.set(false);
                didWork = false;
                // Every socket is asked, not only those whose descriptor fired (see the class comment). Handlers
                // may open and close sockets: iterate over the snapshot taken before they run.
                Registration[] current = snapshot;
                for (int i = 0; i < current.length && !closing; i++) {
                    if (readable(current[i])) {
                        drain(current[i]);
                        didWork = true;
                    }
                }
                didWork |= runTasks();
                didWork |= runTimers();
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

    private void drain(Registration r) {
        for (int n = 0; n < READ_BUDGET; n++) {
            if (r.closed) {
                return;
            }
            byte[] first = r.socket.recv(ZMQ.DONTWAIT);
            if (first == null) {
                return;
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
    }

    private boolean runTasks() {
        boolean ran = false;
        Runnable task;
        while ((task = tasks.poll()) != null) {
            ran = true;
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("task on reactor {} failed", thread.getName(), e);
            }
        }
        return ran;
    }

    private boolean runTimers() {
        boolean ran = false;
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().deadlineNanos() - now <= 0) {
            ran = true;
            try {
                timers.poll().task().run();
            } catch (RuntimeException e) {
                log.error("timer on reactor {} failed", thread.getName(), e);
            }
        }
        return ran;
    }

    private long nextTimeoutMillis() {
        if (!tasks.isEmpty()) {
            return 0;
        }
        Timer next = timers.peek();
        if (next == null) {
            return -1;
        }
        long nanos = next.deadlineNanos() - System.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void shutdown() {
        for (Registration r : registrations) {
            r.socket.close();
        }
        registrations.clear();
        timers.clear();
        tasks.clear();
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing the reactor's selector", e);
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
