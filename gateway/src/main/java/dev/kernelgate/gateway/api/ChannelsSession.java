package dev.kernelgate.gateway.api;

import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.gateway.http.WebSocketListener;
import dev.kernelgate.gateway.http.WebSocketSession;
import dev.kernelgate.gateway.kernel.Kernel;
import dev.kernelgate.gateway.kernel.KernelConnection;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel side of one {@code kernel_id:session_id}: a {@link KernelConnection} that outlives WebSockets. While
 * a WebSocket is attached, kernel messages go straight to it; while none is, they are buffered and replayed in
 * order to the next WebSocket of the same session.
 */
final class ChannelsSession implements KernelConnection.Listener {
    private static final Logger log = LoggerFactory.getLogger(ChannelsSession.class);
    /** Close code for a frame that cannot be decoded (RFC 6455: inconsistent data). */
    static final int INVALID_PAYLOAD = 1007;

    private final Kernel kernel;
    private final String sessionId;
    private final KernelService kernels;
    private final Consumer<ChannelsSession> onEnd;
    private volatile KernelConnection connection;

    // Guarded by this.
    private Socket live;
    private final List<ChannelMessage> buffer = new ArrayList<>();
    private boolean ended;

    ChannelsSession(Kernel kernel, String sessionId, KernelService kernels, Consumer<ChannelsSession> onEnd) {
        this.kernel = kernel;
        this.sessionId = sessionId;
        this.kernels = kernels;
        this.onEnd = onEnd;
    }

    String key() {
        return kernel.id() + ":" + sessionId;
    }

    Kernel kernel() {
        return kernel;
    }

    void connection(KernelConnection c) {
        this.connection = c;
    }

    synchronized boolean isBuffering() {
        return live == null && !ended;
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
            dropped = buffer.size();
            buffer.clear();
        }
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
        if (socket != null && socket.ws != null) {
            socket.ws.close(1000, "kernel " + kernel.id() + " was shut down");
        }
        end();
    }

    private synchronized void deliver(ChannelMessage message) {
        if (ended) {
            return;
        }
        if (live != null && live.ws != null && live.ws.isOpen()) {
            live.send(message);
        } else {
            buffer.add(message);
        }
    }

    private synchronized void attach(Socket socket) {
        Socket previous = live;
        live = socket;
        if (previous != null && previous.ws != null && previous.ws.isOpen()) {
            log.info("kernel {} session {}: replacing stale connection", kernel.id(), sessionId);
            previous.ws.close(1000, "replaced by a new connection of the same session");
        }
        if (!buffer.isEmpty()) {
            log.info("kernel {} session {}: replaying {} buffered messages", kernel.id(), sessionId, buffer.size());
            buffer.forEach(socket::send);
            buffer.clear();
        }
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

        Socket(WsFraming framing) {
            this.framing = framing;
        }

        void send(ChannelMessage message) {
            WsFrame frame = framing.encode(message);
            if (frame.binary()) {
                ws.sendBinary(frame.data());
            } else {
                ws.sendText(new String(frame.data(), StandardCharsets.UTF_8));
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
