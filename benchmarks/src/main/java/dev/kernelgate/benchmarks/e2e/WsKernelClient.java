package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ChannelMessage;
import dev.kernelgate.wire.LegacyFraming;
import dev.kernelgate.wire.MalformedMessageException;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.V1Framing;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.WsFrame;
import dev.kernelgate.wire.WsFraming;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Jupyter kernel WebSocket client on Netty (TCP_NODELAY on), speaking the legacy JSON framing or
 * {@code v1.kernel.websocket.jupyter.org}. Messages are decoded with the same framings the gateway uses and handed
 * to a {@link Listener} on the client's event loop, with the time they arrived.
 */
final class WsKernelClient implements AutoCloseable {
    private static final int MAX_FRAME = 256 * 1024 * 1024;
    private static final long HANDSHAKE_MILLIS = 60_000;

    /** Receives each decoded message on the event loop; keep it short. */
    interface Listener {
        void onMessage(Channel channel, WireMessage message, long arrivedNanos);

        default void onClosed() {
        }
    }

    private final io.netty.channel.Channel channel;
    private final WsFraming framing;
    private final MessageFactory messages;

    private WsKernelClient(io.netty.channel.Channel channel, WsFraming framing, MessageFactory messages) {
        this.channel = channel;
        this.framing = framing;
        this.messages = messages;
    }

    /**
     * Opens {@code ws(s)://.../api/kernels/{id}/channels?session_id=...} and returns once the handshake is done.
     */
    static WsKernelClient connect(EventLoopGroup group, String wsBase, String kernelId, String token, boolean v1,
                                  Listener listener) throws Exception {
        MessageFactory messages = MessageFactory.withRandomSession("bench");
        URI uri = URI.create(wsBase + "/api/kernels/" + kernelId + "/channels?session_id=" + messages.session());
        WsFraming framing = v1 ? new V1Framing() : new LegacyFraming();
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        if (token != null && !token.isEmpty()) {
            headers.add("Authorization", "token " + token);
        }
        var handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
                v1 ? V1Framing.SUBPROTOCOL : null, false, headers, MAX_FRAME);
        CompletableFuture<Void> handshaken = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                                // A slow open is measured, not cut short at Netty's default 10 s.
                                new WebSocketClientProtocolHandler(handshaker, true, true, HANDSHAKE_MILLIS),
                                new WebSocketFrameAggregator(MAX_FRAME),
                                new Inbound(framing, listener, handshaken));
                    }
                });
        io.netty.channel.Channel ch = bootstrap.connect(uri.getHost(), uri.getPort()).sync().channel();
        try {
            handshaken.get(HANDSHAKE_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            ch.close();
            throw e;
        }
        return new WsKernelClient(ch, framing, messages);
    }

    MessageFactory messages() {
        return messages;
    }

    /** Sends {@code message} on {@code on}; safe from any thread. */
    void send(Channel on, Message message) {
        channel.writeAndFlush(frame(on, message));
    }

    /**
     * As {@link #send(Channel, Message)}, running {@code writing} on the connection's event loop just before the
     * frame is written: a round trip timed from there leaves out the hand-off from the caller's thread to the loop,
     * a cost of this client (a wake-up that on a small VM can take milliseconds), not of the server.
     */
    void send(Channel on, Message message, Runnable writing) {
        WebSocketFrame ws = frame(on, message);
        channel.eventLoop().execute(() -> {
            writing.run();
            channel.writeAndFlush(ws);
        });
    }

    private WebSocketFrame frame(Channel on, Message message) {
        WsFrame frame = framing.encode(new ChannelMessage(on, message.toWire()));
        return frame.binary() ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame.data()))
                : new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.data()));
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static final class Inbound extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final WsFraming framing;
        private final Listener listener;
        private final CompletableFuture<Void> handshaken;

        Inbound(WsFraming framing, Listener listener, CompletableFuture<Void> handshaken) {
            this.framing = framing;
            this.listener = listener;
            this.handshaken = handshaken;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshaken.complete(null);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            long now = System.nanoTime();
            boolean binary = frame instanceof BinaryWebSocketFrame;
            if (!binary && !(frame instanceof TextWebSocketFrame)) {
                return;
            }
            byte[] data = ByteBufUtil.getBytes(frame.content());
            try {
                ChannelMessage m = framing.decode(new WsFrame(binary, data));
                listener.onMessage(m.channel(), m.message(), now);
            } catch (MalformedMessageException e) {
                throw new IllegalStateException("the server sent a frame this client cannot decode", e);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshaken.completeExceptionally(new IllegalStateException("closed before the handshake"));
            listener.onClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshaken.completeExceptionally(cause);
            ctx.close();
        }
    }
}
