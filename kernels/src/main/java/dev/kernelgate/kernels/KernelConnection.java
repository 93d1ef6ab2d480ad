package dev.kernelgate.kernels;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.SignatureHistory;
import dev.kernelgate.wire.WireException;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.ZmqCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's view of a kernel: its own shell, control and stdin DEALERs (ZMQ identity = the session id, so the
 * kernel routes input_request back here) and the kernel's IOPub, which the kernel's one SUB socket fans out to every
 * connection. That SUB is proven live before the kernel counts as ready (and again after each restart), so a
 * connection sees every broadcast from the moment it opens: no per-connection subscription can join late, and many
 * clients opening at once cost the kernel no extra round trips. Every socket belongs to the kernel's reactor.
 */
public final class KernelConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelConnection.class);

    /** Receives what the kernel sends to this connection, on the kernel's reactor thread: never block. */
    public interface Listener {
        void onMessage(Channel channel, WireMessage message);

        /** The gateway's own status news: {@code restarting} or {@code dead}. */
        default void onKernelStatus(String executionState) {
        }

        /** The kernel went away (shutdown or death); the connection is closed. */
        default void onClosed() {
        }
    }

    private final Kernel kernel;
    private final String sessionId;
    private final Listener listener;
    private final CompletableFuture<KernelConnection> opened = new CompletableFuture<>();
    private final Kernel.Subscriber subscriber = new Kernel.Subscriber() {
        @Override
        public void onIopub(WireMessage message) {
            KernelConnection.this.onIopub(message);
        }

        @Override
        public void kernelStatus(String executionState) {
            KernelConnection.this.kernelStatus(executionState);
        }

        @Override
        public void kernelGone() {
            KernelConnection.this.kernelGone();
        }
    };
    private final Kernel.Listener restarts = new Kernel.Listener() {
        @Override
        public void onRestarted(Kernel k) {
            k.reactor().execute(KernelConnection.this::releaseHeld);
        }
    };
    private volatile boolean closed;

    // Owned by the kernel's reactor thread.
    private KernelReactor.Socket shell;
    private KernelReactor.Socket control;
    private KernelReactor.Socket stdin;
    private final SignatureHistory history = new SignatureHistory();
    /**
     * Requests held until the sockets are open, or while the kernel restarts: a new process answers before the
     * kernel's IOPub is proven again, so output of a request sent meanwhile could be lost. Sent in order afterwards.
     */
    private final List<Runnable> held = new ArrayList<>();

    private KernelConnection(Kernel kernel, String sessionId, Listener listener) {
        this.kernel = kernel;
        this.sessionId = sessionId;
        this.listener = listener;
    }

    /**
     * Opens a connection to {@code kernel} with its own shell, control and stdin sockets whose ZMQ identity is
     * {@code sessionId}; completes once the kernel is ready and the sockets are open.
     */
    public static CompletableFuture<KernelConnection> open(Kernel kernel, String sessionId, Listener listener) {
        KernelConnection c = new KernelConnection(kernel, sessionId, listener);
        kernel.attach(c.subscriber);
        return c.open();
    }

    public String sessionId() {
        return sessionId;
    }

    public Kernel kernel() {
        return kernel;
    }

    public boolean isOpen() {
        return opened.isDone() && !opened.isCompletedExceptionally() && !closed;
    }

    private CompletableFuture<KernelConnection> open() {
        kernel.addListener(restarts);
        kernel.ready().whenComplete((ok, error) -> {
            if (error != null) {
                opened.completeExceptionally(error);
                kernel.forget(subscriber);
            } else if (!kernel.reactor().execute(this::openSockets)) {
                opened.completeExceptionally(new IllegalStateException("kernel " + kernel.id() + " is gone"));
                kernel.forget(subscriber);
            }
        });
        return opened;
    }

    /** Signs and sends a message on {@code channel}; safe from any thread; ordered per connection. */
    public void send(Channel channel, WireMessage message) {
        kernel.reactor().execute(() -> {
            if (closed) {
                return;
            }
            if (shell == null || !held.isEmpty() || kernel.state() == Kernel.State.RESTARTING) {
                held.add(() -> sendNow(channel, message));
                return;
            }
            sendNow(channel, message);
        });
    }

    /** Closes this connection's sockets; the kernel keeps running. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        kernel.forget(subscriber);
        kernel.removeListener(restarts);
        kernel.reactor().execute(this::closeSockets);
        opened.completeExceptionally(new IllegalStateException("connection closed"));
    }

    private void kernelStatus(String executionState) {
        kernel.reactor().execute(() -> {
            if (!closed) {
                listener.onKernelStatus(executionState);
            }
        });
    }

    private void kernelGone() {
        if (closed) {
            return;
        }
        closed = true;
        kernel.removeListener(restarts);
        opened.completeExceptionally(new IllegalStateException("kernel " + kernel.id() + " is gone"));
        listener.onClosed();
    }

    // ---- reactor thread -------------------------------------------------------------------------------------

    private void openSockets() {
        if (closed) {
            return;
        }
        byte[] identity = sessionId.getBytes(StandardCharsets.UTF_8);
        KernelReactor r = kernel.reactor();
        var info = kernel.connectionInfo();
        shell = r.open(KernelReactor.Kind.DEALER, info.endpoint(Channel.SHELL), identity, f -> onReply(Channel.SHELL, f));
        control = r.open(KernelReactor.Kind.DEALER, info.endpoint(Channel.CONTROL), identity,
                f -> onReply(Channel.CONTROL, f));
        stdin = r.open(KernelReactor.Kind.DEALER, info.endpoint(Channel.STDIN), identity, f -> onReply(Channel.STDIN, f));
        kernel.subscribeIopub(subscriber);
        opened.complete(this);
        if (kernel.state() != Kernel.State.RESTARTING) {
            releaseHeld();
        }
    }

    /** The kernel is ready (opened, or restarted and its IOPub proven again): sends what waited, in order. */
    private void releaseHeld() {
        if (closed || shell == null) {
            return;
        }
        List<Runnable> waiting = new ArrayList<>(held);
        held.clear();
        waiting.forEach(Runnable::run);
    }

    /** A broadcast from the kernel's IOPub, decoded and verified once for all connections. */
    private void onIopub(WireMessage m) {
        if (!closed) {
            listener.onMessage(Channel.IOPUB, m);
        }
    }

    private void onReply(Channel channel, List<byte[]> frames) {
        if (closed) {
            return;
        }
        WireMessage m;
        try {
            m = ZmqCodec.decode(frames, kernel.signer(), history);
        } catch (WireException e) {
            log.warn("kernel {} session {}: dropped a {} message: {}", kernel.id(), sessionId, channel.wireName(),
                    e.getMessage());
            return;
        }
        listener.onMessage(channel, m);
    }

    private void sendNow(Channel channel, WireMessage message) {
        KernelReactor.Socket socket = switch (channel) {
            case SHELL -> shell;
            case CONTROL -> control;
            case STDIN -> stdin;
            default -> null;
        };
        if (socket == null) {
            log.warn("kernel {} session {}: cannot send on channel {}", kernel.id(), sessionId, channel.wireName());
            return;
        }
        if (!socket.send(ZmqCodec.encode(message, kernel.signer()))) {
            log.warn("kernel {} session {}: send failed", kernel.id(), sessionId);
        }
    }

    private void closeSockets() {
        kernel.unsubscribeIopub(subscriber);
        KernelReactor r = kernel.reactor();
        for (KernelReactor.Socket s : new KernelReactor.Socket[] {shell, control, stdin}) {
            if (s != null) {
                r.close(s);
            }
        }
        shell = control = stdin = null;
    }
}
