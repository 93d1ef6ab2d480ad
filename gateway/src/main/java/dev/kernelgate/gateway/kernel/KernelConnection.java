package dev.kernelgate.gateway.kernel;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.SignatureHistory;
import dev.kernelgate.wire.WireException;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.ZmqCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * One client's view of a kernel: its own shell, control and stdin DEALERs (ZMQ identity = the session id, so
 * the kernel routes input_request back here) and an IOPub SUB. Every socket belongs to the kernel's reactor.
 * The connection opens only once its IOPub subscription is proven live, so no early output is lost.
 */
public final class KernelConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelConnection.class);
    /** Short first: a SUB usually subscribes within a few ms, and the proof is on every WebSocket open. */
    private static final long FIRST_NUDGE_RETRY_MS = 2;
    private static final long MAX_NUDGE_RETRY_MS = 500;
    /** IOPub silent this long while shell answers nudges: dial a fresh SUB socket (and again after as long). */
    private static final long REDIAL_AFTER_NANOS = 2_000_000_000L;

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
    private final KernelListener restarts = new KernelListener() {
        @Override
        public void onRestarted(Kernel k) {
            k.reactor().execute(KernelConnection.this::reprove);
        }
    };
    private volatile boolean closed;

    // Owned by the kernel's reactor thread.
    private ZMQ.Socket shell;
    private ZMQ.Socket control;
    private ZMQ.Socket stdin;
    private ZMQ.Socket iopub;
    private final SignatureHistory history = new SignatureHistory();
    private final Set<String> nudgeIds = new HashSet<>();
    private final List<Runnable> beforeOpen = new ArrayList<>();
    private MessageFactory nudges;
    private long nudgeDelay = FIRST_NUDGE_RETRY_MS;
    /** After a kernel restart: our SUB reconnects on its own, but its subscription must be proven again. */
    private boolean reproving;
    private int reproveRound;
    /** When the current IOPub proof began, whether a nudge got its shell or control reply, SUB dials since. */
    private long provingSince;
    private boolean nudgeAnswered;
    private int redials;

    KernelConnection(Kernel kernel, String sessionId, Listener listener) {
        this.kernel = kernel;
        this.sessionId = sessionId;
        this.listener = listener;
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

    CompletableFuture<KernelConnection> open() {
        kernel.addListener(restarts);
        kernel.ready().whenComplete((ok, error) -> {
            if (error != null) {
                opened.completeExceptionally(error);
                kernel.forget(this);
            } else {
                kernel.reactor().execute(this::openSockets);
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
            if (shell == null || reproving) {
                beforeOpen.add(() -> sendNow(channel, message));
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
        kernel.forget(this);
        kernel.removeListener(restarts);
        kernel.reactor().execute(this::closeSockets);
        opened.completeExceptionally(new IllegalStateException("connection closed"));
    }

    void kernelStatus(String executionState) {
        kernel.reactor().execute(() -> {
            if (!closed) {
                listener.onKernelStatus(executionState);
            }
        });
    }

    void kernelGone() {
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
        ZmqReactor r = kernel.reactor();
        var info = kernel.connectionInfo();
        ZMQ.Socket proven = kernel.takeProvenIopub(this::onIopub);
        iopub = proven != null ? proven : openIopub();
        shell = r.open(SocketType.DEALER, info.endpoint(Channel.SHELL), identity, f -> onReply(Channel.SHELL, f));
        control = r.open(SocketType.DEALER, info.endpoint(Channel.CONTROL), identity,
                f -> onReply(Channel.CONTROL, f));
        stdin = r.open(SocketType.DEALER, info.endpoint(Channel.STDIN), identity, f -> onReply(Channel.STDIN, f));
        nudges = new MessageFactory(sessionId, "kernelgate");
        if (proven != null) {
            opened.complete(this); // the kernel's spare SUB was subscribed and proven ahead of us
        } else {
            startProving();
            nudge();
        }
        long timeout = kernel.config().kernelInfoTimeout().toMillis();
        r.schedule(timeout, () -> {
            if (!opened.isDone()) {
                opened.completeExceptionally(new TimeoutException("kernel " + kernel.id()
                        + " did not prove its IOPub subscription within " + timeout + " ms"));
                close();
            }
        });
        beforeOpen.forEach(Runnable::run);
        beforeOpen.clear();
    }

    /**
     * Sends kernel_info on shell and control until a message arrives on our IOPub socket (ZMQ's slow joiner:
     * a SUB misses whatever is published before its subscription lands). Replies to nudges are not forwarded.
     */
    private void nudge() {
        if ((opened.isDone() && !reproving) || closed) {
            return;
        }
        for (ZMQ.Socket socket : new ZMQ.Socket[] {shell, control}) {
            Message m = nudges.request("kernel_info_request", Json.object());
            nudgeIds.add(m.header().msgId());
            sendRaw(socket, m.toWire());
        }
        long silent = System.nanoTime() - provingSince;
        if (nudgeAnswered && silent > (redials + 1) * REDIAL_AFTER_NANOS) {
            redialIopub(silent);
        }
        long delay = nudgeDelay;
        nudgeDelay = Math.min(nudgeDelay * 2, MAX_NUDGE_RETRY_MS);
        kernel.reactor().schedule(delay, this::nudge);
    }

    private void startProving() {
        provingSince = System.nanoTime();
        nudgeAnswered = false;
        redials = 0;
    }

    private ZMQ.Socket openIopub() {
        return kernel.openIopub(this::onIopub);
    }

    /**
     * The kernel answers our nudges on shell but nothing reaches our SUB: its subscription did not land (seen
     * rarely under load). A fresh SUB socket subscribes again; no output is lost that a client could expect,
     * since nothing is forwarded before IOPub is proven.
     */
    private void redialIopub(long silentNanos) {
        redials++;
        log.warn("kernel {} session {}: IOPub silent for {} ms while shell answers; dialling a new IOPub socket",
                kernel.id(), sessionId, silentNanos / 1_000_000);
        kernel.reactor().close(iopub);
        iopub = openIopub();
    }

    private void onIopub(List<byte[]> frames) {
        WireMessage m = decode(frames, Channel.IOPUB);
        if (m == null) {
            return;
        }
        if (!opened.isDone()) {
            opened.complete(this);
        }
        if (reproving) {
            reproved();
        }
        if (nudgeIds.contains(m.parentMsgId())) {
            return;
        }
        listener.onMessage(Channel.IOPUB, m);
    }

    /**
     * The kernel restarted (same ports): the SUB socket reconnects by itself, but a new process publishes before
     * the re-sent subscription lands, so output of the first requests after a restart could be lost. Hold the
     * client's requests and nudge until IOPub answers again, as on first open.
     */
    private void reprove() {
        if (closed || shell == null || reproving) {
            return;
        }
        reproving = true;
        int round = ++reproveRound;
        nudgeDelay = FIRST_NUDGE_RETRY_MS;
        startProving();
        nudge();
        long timeout = kernel.config().kernelInfoTimeout().toMillis();
        kernel.reactor().schedule(timeout, () -> {
            if (reproving && round == reproveRound && !closed) {
                log.warn("kernel {} session {}: IOPub not proven within {} ms after a restart; sending anyway",
                        kernel.id(), sessionId, timeout);
                reproved();
            }
        });
    }

    private void reproved() {
        reproving = false;
        List<Runnable> held = new ArrayList<>(beforeOpen);
        beforeOpen.clear();
        held.forEach(Runnable::run);
    }

    private void onReply(Channel channel, List<byte[]> frames) {
        WireMessage m = decode(frames, channel);
        if (m == null) {
            return;
        }
        if (nudgeIds.contains(m.parentMsgId())) {
            nudgeAnswered = true;
            return;
        }
        listener.onMessage(channel, m);
    }

    private WireMessage decode(List<byte[]> frames, Channel channel) {
        if (closed) {
            return null;
        }
        try {
            return ZmqCodec.decode(frames, kernel.signer(), history);
        } catch (WireException e) {
            log.warn("kernel {} session {}: dropped a {} message: {}", kernel.id(), sessionId, channel.wireName(),
                    e.getMessage());
            return null;
        }
    }

    private void sendNow(Channel channel, WireMessage message) {
        ZMQ.Socket socket = switch (channel) {
            case SHELL -> shell;
            case CONTROL -> control;
            case STDIN -> stdin;
            default -> null;
        };
        if (socket == null) {
            log.warn("kernel {} session {}: cannot send on channel {}", kernel.id(), sessionId, channel.wireName());
            return;
        }
        sendRaw(socket, message);
    }

    private void sendRaw(ZMQ.Socket socket, WireMessage message) {
        if (!ZmqReactor.send(socket, ZmqCodec.encode(message, kernel.signer()))) {
            log.warn("kernel {} session {}: send failed", kernel.id(), sessionId);
        }
    }

    private void closeSockets() {
        ZmqReactor r = kernel.reactor();
        for (ZMQ.Socket s : new ZMQ.Socket[] {shell, control, stdin, iopub}) {
            if (s != null) {
                r.close(s);
            }
        }
        shell = control = stdin = iopub = null;
    }
}
