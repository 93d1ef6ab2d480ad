package dev.kernelgate.gateway.api;

import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.http.WebSocketListener;
import dev.kernelgate.http.WebSocketSession;
import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.kernels.KernelConnection;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ChannelMessage;
import dev.kernelgate.wire.Header;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.MalformedMessageException;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.WsFrame;
import dev.kernelgate.wire.WsFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel side of one {@code kernel_id:session_id}: a {@link KernelConnection} that outlives WebSockets. Kernel
 * messages queue here in order and are written by the attached WebSocket's event loop, which checks that its socket
 * is still open in the same step as it writes: a message is either written before the socket's close frame or
 * stays queued for the next WebSocket of the session, never lost in between. While the socket's outbound buffer is
 * full, messages wait here too (and so are replayed after a disconnect instead of dying in that buffer). What waits
 * is bounded ({@link PendingOutput}): past the bound the oldest output gives way to a notice saying so.
 */
final class ChannelsSession implements KernelConnection.Listener {
    private static final Logger log = LoggerFactory.getLogger(ChannelsSession.class);
    /** Close code for a frame that cannot be decoded (RFC 6455: inconsistent data). */
    static final int INVALID_PAYLOAD = 1007;
    /** Close code for a socket whose kernel went away (RFC 6455: endpoint going away). */
    static final int GOING_AWAY = 1001;

    private final Kernel kernel;
    private final String sessionId;
    private final KernelService kernels;
    private final Consumer<ChannelsSession> onEnd;
    private volatile KernelConnection connection;
    private final CompletableFuture<KernelConnection> connected = new CompletableFuture<>();
    private final IopubRateLimit rateLimit;

    /** Most messages written per event-loop task, so one busy session does not starve the loop's other sockets. */
    private static final int DRAIN_BATCH = 256;

    // Guarded by this.
    private Socket live;
    private final PendingOutput pending;
    private boolean ended;
    /** Whether a socket ever attached: only a session that had one and lost it buffers for a reconnect. */
    private boolean attachedOnce;

    ChannelsSession(Kernel kernel, String sessionId, KernelService kernels, Consumer<ChannelsSession> onEnd) {
        this.kernel = kernel;
        this.sessionId = sessionId;
        this.kernels = kernels;
        this.onEnd = onEnd;
        this.rateLimit = new IopubRateLimit(kernels.config().iopubMsgRateLimit(), sessionId);
        this.pending = new PendingOutput(PendingOutput.DEFAULT_MAX_BYTES, sessionId);
    }

    String key() {
        return kernel.id() + ":" + sessionId;
    }

    Kernel kernel() {
        return kernel;
    }

    void connection(KernelConnection c) {
        this.connection = c;
        connected.complete(c);
    }

    void connectFailed(Throwable error) {
        connected.completeExceptionally(error);
    }

    /** Completes once the kernel connection is open; every socket of the session waits for it. */
    CompletableFuture<KernelConnection> connected() {
        return connected;
    }

    /**
     * True while the session holds kernel output for a client that was attached and went away. A session whose
     * first socket is still opening is not buffering: another client opening at the same moment must not end it.
     */
    synchronized boolean isBuffering() {
        return attachedOnce && live == null && !ended;
    }

    synchronized boolean ended() {
        return ended;
    }

    /** A listener for a new WebSocket of this session; it replaces the live one when it opens. */
    WebSocketListener newSocket(WsFraming framing) {
        return new Socket(framing);
    }

    /** Closes the kernel connection and drops anything buffered. */
    void end() {
        int dropped;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            dropped = pending.size();
            pending.clear();
        }
        connected.completeExceptionally(new IllegalStateException("session " + sessionId + " has ended"));
        if (dropped > 0) {
            log.info("kernel {} session {}: discarding {} buffered messages", kernel.id(), sessionId, dropped);
        }
        KernelConnection c = connection;
        if (c != null) {
            c.close();
        }
        onEnd.accept(this);
    }

    // ---- kernel → client (kernel reactor thread) ---------------------------------------------------------------

    @Override
    public void onMessage(Channel channel, WireMessage message) {
        deliver(new ChannelMessage(channel, message));
    }

    @Override
    public void onKernelStatus(String executionState) {
        // Built with the client's session, as jupyter_server does, so the client's validators accept it.
        Header header = new Header(UUID.randomUUID().toString(), sessionId, "kernelgate", Header.now(), "status",
                Header.PROTOCOL_VERSION);
        var content = Json.object();
        content.put("execution_state", executionState);
        deliver(new ChannelMessage(Channel.IOPUB,
                new Message(header, Json.object(), Json.object(), content, List.of()).toWire()));
    }

    @Override
    public void onClosed() {
        Socket socket;
        synchronized (this) {
            socket = live;
        }
        if (socket == null) {
            end();
            return;
        }
        try {
            // Flush what the kernel said last (its shutdown_reply, say), then close.
            socket.ws.executor().execute(() -> {
                socket.drain(true);
                socket.ws.close(1000, "kernel " + kernel.id() + " was shut down");
                end();
            });
        } catch (RejectedExecutionException e) {
            end(); // the server is stopping
        }
    }

    private void deliver(ChannelMessage incoming) {
        ChannelMessage message = rateLimit.filter(incoming);
        if (message == null) {
            return;
        }
        Socket target;
        synchronized (this) {
            if (ended) {
                return;
            }
            pending.add(message);
            target = live;
        }
        if (target != null) {
            target.scheduleDrain();
        }
    }

    private void attach(Socket socket) {
        Socket previous;
        int queued;
        boolean reconnect;
        synchronized (this) {
            reconnect = attachedOnce;
            if (ended) {
                previous = null;
                queued = -1;
            } else {
                previous = live;
                live = socket;
                attachedOnce = true;
                queued = pending.size();
            }
        }
        if (queued < 0) {
            // The kernel went away while this socket was opening: say so instead of leaving the client waiting.
            log.info("kernel {} session {}: socket opened after the session ended; closing it", kernel.id(), sessionId);
            socket.ws.close(GOING_AWAY, "kernel " + kernel.id() + " session ended");
            return;
        }
        if (previous != null && previous.ws.isOpen()) {
            log.info("kernel {} session {}: replacing stale connection", kernel.id(), sessionId);
            previous.ws.close(1000, "replaced by a new connection of the same session");
        }
        if (queued > 0 && reconnect) {
            log.info("kernel {} session {}: replaying {} buffered messages", kernel.id(), sessionId, queued);
        }
        socket.scheduleDrain();
    }

    /** True when the session keeps buffering for a later reconnect; false when it has ended. */
    private boolean detach(Socket socket) {
        synchronized (this) {
            if (live != socket) {
                return true;
            }
            live = null;
        }
        return false;
    }

    // ---- one WebSocket (its Netty event loop) -----------------------------------------------------------------

    private final class Socket implements WebSocketListener {
        private final WsFraming framing;
        private volatile WebSocketSession ws;
        // Guarded by ChannelsSession.this.
        private boolean drainScheduled;

        Socket(WsFraming framing) {
            this.framing = framing;
        }

        /** Writes queued messages on this socket's event loop (once per burst, not once per message). */
        void scheduleDrain() {
            synchronized (ChannelsSession.this) {
                if (drainScheduled || live != this) {
                    return;
                }
                drainScheduled = true;
            }
            try {
                ws.executor().execute(() -> drain(false));
            } catch (RejectedExecutionException e) {
                synchronized (ChannelsSession.this) {
                    drainScheduled = false; // the server is stopping; the messages stay queued
                }
            }
        }

        /**
         * Event loop only. The peer's close frame is handled on this same loop, so a socket seen open here is still
         * open when the frame is written: the message reaches the peer before our close echo, or stays queued.
         */
        void drain(boolean ignoreWritability) {
            int written = 0;
            try {
                while (true) {
                    ChannelMessage message;
                    synchronized (ChannelsSession.this) {
                        if (live != this || !ws.isOpen() || (!ignoreWritability && !ws.isWritable())) {
                            drainScheduled = false; // the next socket, or writability coming back, drains the rest
                            return;
                        }
                        if (!ignoreWritability && written == DRAIN_BATCH) {
                            try {
                                ws.executor().execute(() -> drain(false)); // still scheduled
                            } catch (RejectedExecutionException e) {
                                drainScheduled = false; // the server is stopping
                            }
                            return;
                        }
                        message = pending.poll();
                        if (message == null) {
                            drainScheduled = false;
                            return;
                        }
                    }
                    if (!write(message)) {
                        synchronized (ChannelsSession.this) {
                            pending.addFirst(message); // closed by us meanwhile: keep it for the next socket
                            drainScheduled = false;
                        }
                        return;
                    }
                    written++;
                }
            } finally {
                if (written > 0) {
                    ws.flush(); // one write(2) for the whole burst
                }
            }
        }

        private boolean write(ChannelMessage message) {
            WsFrame frame = framing.encode(message);
            return frame.binary() ? ws.writeBinary(frame.data()) : ws.writeText(frame.data());
        }

        @Override
        public void onWritabilityChanged(WebSocketSession session, boolean writable) {
            if (writable) {
                scheduleDrain();
            }
        }

        @Override
        public void onOpen(WebSocketSession session) {
            ws = session;
            kernels.connected(kernel);
            attach(this);
        }

        @Override
        public void onText(WebSocketSession session, String text) {
            receive(new WsFrame(false, text.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void onBinary(WebSocketSession session, ByteBuf data) {
            receive(new WsFrame(true, ByteBufUtil.getBytes(data)));
        }

        private void receive(WsFrame frame) {
            ChannelMessage message;
            try {
                message = framing.decode(frame);
            } catch (MalformedMessageException e) {
                log.warn("kernel {} session {}: closing on an undecodable frame: {}", kernel.id(), sessionId,
                        e.getMessage());
                ws.close(INVALID_PAYLOAD, truncate("invalid message: " + e.getMessage()));
                return;
            }
            String msgType = message.message().msgType();
            if (msgType == null || message.message().msgId() == null) {
                log.warn("kernel {} session {}: dropped a {} message without header msg_id/msg_type", kernel.id(),
                        sessionId, message.channel().wireName());
                return;
            }
            KernelConnection c = connection;
            if (c != null) {
                c.send(message.channel(), message.message());
            }
        }

        @Override
        public void onClose(WebSocketSession session, int code, String reason) {
            kernels.disconnected(kernel);
            if (detach(this)) {
                return;
            }
            // The last client of the kernel gone: keep the sockets and buffer for a reconnect (as jupyter_server
            // does); otherwise this session's sockets are no longer needed.
            if (kernels.connections(kernel) > 0) {
                end();
            }
        }
    }

    private static String truncate(String reason) {
        // A close frame's reason must fit in 123 bytes.
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 120 ? reason : new String(bytes, 0, 120, StandardCharsets.UTF_8);
    }
}
