package dev.kernelgate.kernels;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
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
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * One thread that owns a set of JeroMQ sockets (JeroMQ sockets are not thread-safe). Other threads hand it
 * work with {@link #execute}; it wakes through its selector's own wake-up, so a hand-off costs one write and no
 * polling delay. Timers run on the same thread.
 *
 * <p>The loop waits in one {@link Selector} on every socket's command mailbox (what {@code ZMQ.Poller} does,
 * without that poller's per-call map and re-registration, and with one {@code epoll_wait} per wait instead of a
 * non-blocking pass and then a blocking one). A JeroMQ mailbox signals by writing a byte and only then counting it;
 * a reader woken between the two finds nothing to read and its descriptor stays readable, so it would spin until
 * the writer, often preempted by the very wake-up it caused, runs again. The loop notices wake-ups that brought
 * nothing and gives the CPU away instead ({@link #SPINS_BEFORE_PARK}).
 */
final class ZmqReactor implements KernelReactor {
    private static final Logger log = LoggerFactory.getLogger(ZmqReactor.class);
    /** Messages read from one socket before the others get a turn. */
    private static final int READ_BUDGET = 256;
    /**
     * How long a connection's ZMTP handshake may take before the socket drops it and dials again. On loopback a
     * handshake takes well under a millisecond; JeroMQ's default of 30 s would leave a stalled one (and the
     * requests queued behind it) waiting that long. Queued messages survive the redial.
     */
    static final int HANDSHAKE_MILLIS = 5000;
    /**
     * Wake-ups in a row that found nothing to do before the loop parks briefly instead of only yielding: the
     * writer of a half-signalled mailbox may be waiting for the other CPU, which a yield does not give it.
     */
    static final int SPINS_BEFORE_PARK = 4;
    private static final long SPIN_PARK_NANOS = 20_000;

    private static final class Registration implements Socket {
        final ZMQ.Socket socket;
        final FrameHandler handler;
        SelectionKey key;
        boolean closed;

        Registration(ZMQ.Socket socket, FrameHandler handler) {
            this.socket = socket;
            this.handler = handler;
        }

        @Override
        public boolean send(List<byte[]> frames) {
            int last = frames.size() - 1;
            for (int i = 0; i < last; i++) {
                if (!socket.sendMore(frames.get(i))) {
                    return false;
                }
            }
            return socket.send(frames.get(last), 0);
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
    private final Selector selector;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean closing;

    // Reactor-thread state.
    private final List<Registration> registrations = new ArrayList<>();
    /** The registrations as an array, replaced (never changed) when one is added or removed: the loop's snapshot. */
    private Registration[] active = new Registration[0];
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSeq;
    private boolean backlog;
    /** Wake-ups in a row on a readable mailbox that brought no message, task or timer. */
    private int emptyWakeups;

    ZmqReactor(ZMQ.Context context, String name) {
        this(context, name, HANDSHAKE_MILLIS);
    }

    ZmqReactor(ZMQ.Context context, String name, int handshakeMillis) {
        this.context = context;
        this.handshakeMillis = handshakeMillis;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the reactor's selector", e);
        }
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean inReactor() {
        return Thread.currentThread() == thread;
    }

    @Override
    public boolean execute(Runnable task) {
        if (closing) {
            return false;
        }
        tasks.add(task);
        wakeup();
        return true;
    }

    private void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    @Override
    public Scheduled schedule(long delayMillis, Runnable task) {
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

    @Override
    public CompletableFuture<Integer> timerCount() {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        execute(() -> count.complete(timers.size()));
        return count;
    }

    @Override
    public Socket open(Kind kind, String endpoint, byte[] identity, FrameHandler handler) {
        assertInReactor();
        SocketType type = kind == Kind.SUB ? SocketType.SUB : SocketType.DEALER;
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
        Registration registration = new Registration(socket, handler);
        try {
            registration.key = socket.getFD().register(selector, SelectionKey.OP_READ, registration);
        } catch (ClosedChannelException e) {
            socket.close();
            throw new IllegalStateException("the mailbox of a new socket of " + thread.getName() + " is closed", e);
        }
        registrations.add(registration);
        active = registrations.toArray(new Registration[0]);
        return registration;
    }

    @Override
    public void close(Socket socket) {
        assertInReactor();
        Registration registration = (Registration) socket;
        if (registrations.remove(registration)) {
            registration.closed = true;
            registration.key.cancel();
            active = registrations.toArray(new Registration[0]);
            registration.socket.close();
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
        if (inReactor()) {
            closing = true;
            return;
        }
        tasks.add(() -> closing = true);
        wakeup();
    }

    private void run() {
        try {
            while (!closing) {
                long timeout = nextTimeoutMillis();
                int woken = timeout == 0 ? selector.selectNow() : selector.select(Math.max(0, timeout));
                selector.selectedKeys().clear();
                backlog = false;
                boolean worked = false;
                // Registrations may change while handlers run: iterate over a snapshot of the current ones.
                Registration[] snapshot = active;
                for (int i = 0; i < snapshot.length && !closing; i++) {
                    // ZMQ signals readiness edge-wise: a send on a socket can consume the wake-up of a message
                    // that arrived meanwhile, so ask every socket for its events, not only those selected.
                    if (readable(snapshot[i])) {
                        int received = drain(snapshot[i]);
                        worked |= received > 0;
                        backlog |= received == READ_BUDGET;
                    }
                }
                wakeupPending.set(false);
                worked |= runTasks();
                worked |= runTimers();
                if (woken > 0 && !worked) {
                    idleWakeup();
                } else {
                    emptyWakeups = 0;
                }
            }
        } catch (Throwable t) {
            log.error("reactor {} stopped by an unexpected error", thread.getName(), t);
        } finally {
            closing = true;
            shutdown();
        }
    }

    /**
     * A mailbox was readable and nothing came of it: a command that was no message (the descriptor is drained now,
     * the next wait blocks), or a signal whose writer has not yet counted it (the descriptor stays readable, the next
     * wait returns at once). From the second such wake-up in a row, let the writer run.
     */
    private void idleWakeup() {
        int n = ++emptyWakeups;
        if (n >= SPINS_BEFORE_PARK) {
            LockSupport.parkNanos(SPIN_PARK_NANOS);
        } else if (n >= 2) {
            Thread.yield();
        }
    }

    private static boolean readable(Registration r) {
        return !r.closed && (r.socket.getEvents() & ZMQ.Poller.POLLIN) != 0;
    }

    /** Reads and hands on up to {@link #READ_BUDGET} messages; returns how many. */
    private int drain(Registration r) {
        int n = 0;
        while (n < READ_BUDGET) {
            if (r.closed) {
                return n;
            }
            byte[] first = r.socket.recv(ZMQ.DONTWAIT);
            if (first == null) {
                return n;
            }
            n++;
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
        return n;
    }

    /** Runs the queued tasks; true when there was one. */
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

    /** Runs the timers that are due; true when there was one. */
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

    private void shutdown() {
        for (Registration r : registrations) {
            r.socket.close();
        }
        registrations.clear();
        active = new Registration[0];
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
