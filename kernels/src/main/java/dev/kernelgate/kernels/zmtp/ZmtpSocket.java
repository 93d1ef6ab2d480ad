package dev.kernelgate.kernels.zmtp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of one ZMTP 3 connection to a kernel's socket, on a Netty event loop: a DEALER (shell, control,
 * stdin; its identity is the peer ROUTER's routing id for it) or a SUB subscribed to everything (IOPub). It does
 * what the gateway needs of JeroMQ's sockets and no more: one peer, the NULL mechanism, messages queued without
 * limit until the handshake is done, a dropped or stalled connection dialled again (50 ms, doubling to 500 ms),
 * TCP_NODELAY. Messages handed to a connection that then drops may be lost, as with ZMQ.
 *
 * <p>Event-loop confined: every method must be called on {@code loop}, and {@code onMessage} is called there.
 */
public final class ZmtpSocket {
    private static final Logger log = LoggerFactory.getLogger(ZmtpSocket.class);
    private static final long RECONNECT_MIN_MILLIS = 50;
    private static final long RECONNECT_MAX_MILLIS = 500;
    /** A ZMTP 3.0 subscription to every topic: a one-frame message holding 0x01 and an empty prefix. */
    private static final List<byte[]> SUBSCRIBE_ALL = List.of(new byte[] {1});

    /** The socket types the gateway uses, with the peer types each may talk to (RFC 23's table). */
    public enum Type {
        DEALER(Set.of("ROUTER", "DEALER", "REP")),
        SUB(Set.of("PUB", "XPUB"));

        private final Set<String> peers;

        Type(Set<String> peers) {
            this.peers = peers;
        }
    }

    private final EventLoop loop;
    private final Type type;
    private final String host;
    private final int port;
    private final byte[] identity;
    private final long handshakeMillis;
    private final Consumer<List<byte[]>> onMessage;
    private final ArrayDeque<List<byte[]>> pending = new ArrayDeque<>();
    private Channel channel;
    private boolean ready;
    private boolean closed;
    private long reconnectMillis = RECONNECT_MIN_MILLIS;
    private ScheduledFuture<?> handshakeTimer;

    /**
     * @param identity the DEALER's routing id at the peer, or null to let the peer pick one
     * @param handshakeMillis how long a connection may take to finish the handshake before it is dialled again
     */
    public ZmtpSocket(EventLoop loop, Type type, String host, int port, byte[] identity, long handshakeMillis,
                      Consumer<List<byte[]>> onMessage) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.type = Objects.requireNonNull(type, "type");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.identity = identity == null ? null : identity.clone();
        this.handshakeMillis = handshakeMillis;
        this.onMessage = Objects.requireNonNull(onMessage, "onMessage");
    }

    /** Starts dialling; messages sent before the handshake completes wait, in order. */
    public void connect() {
        assertInLoop();
        dial();
    }

    /** Sends a multipart message, or queues it until the connection is ready. False once closed. */
    public boolean send(List<byte[]> frames) {
        assertInLoop();
        if (closed) {
            return false;
        }
        if (!ready || !pending.isEmpty()) {
            pending.add(frames);
            if (ready) {
                flushPending();
            }
            return true;
        }
        write(frames, true);
        return true;
    }

    /** Whether the handshake with the current connection is done. */
    public boolean isReady() {
        return ready;
    }

    /** Closes the connection and stops dialling; queued messages are dropped. Idempotent. */
    public void close() {
        assertInLoop();
        closed = true;
        ready = false;
        pending.clear();
        cancelHandshakeTimer();
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public String toString() {
        return type + " tcp://" + host + ":" + port;
    }

    private void dial() {
        if (closed) {
            return;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, handshakeMillis))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ZmtpDecoder(), new Connection());
                    }
                });
        ChannelFuture connecting = bootstrap.connect(host, port);
        channel = connecting.channel();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("{}: connect failed: {}", this, f.cause().toString());
                lost(connecting.channel());
            }
        });
    }

    /** The connection {@code ch} is gone: dial again after the back-off. */
    private void lost(Channel ch) {
        if (ch != channel) {
            return;
        }
        channel = null;
        ready = false;
        cancelHandshakeTimer();
        if (closed) {
            return;
        }
        long delay = reconnectMillis;
        reconnectMillis = Math.min(reconnectMillis * 2, RECONNECT_MAX_MILLIS);
        loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    }

    private void write(List<byte[]> frames, boolean flush) {
        ByteBuf out = channel.alloc().buffer(ZmtpDecoder.encodedSize(frames));
        ZmtpDecoder.encodeMessage(frames, out);
        if (flush) {
            channel.writeAndFlush(out, channel.voidPromise());
        } else {
            channel.write(out, channel.voidPromise());
        }
    }

    private void flushPending() {
        List<byte[]> frames;
        while ((frames = pending.poll()) != null) {
            write(frames, false);
        }
        channel.flush();
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    private void assertInLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException(this + " used outside its event loop");
        }
    }

    /** The pipeline's end for one connection. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (ctx.channel() != channel) {
                ctx.close();
                return;
            }
            ctx.writeAndFlush(ctx.alloc().buffer(ZmtpGreeting.LENGTH).writeBytes(ZmtpGreeting.ours()));
            handshakeTimer = loop.schedule(() -> {
                if (ctx.channel() == channel && !ready) {
                    log.warn("{}: no ZMTP handshake within {} ms; dialling again", ZmtpSocket.this, handshakeMillis);
                    ctx.close();
                }
            }, handshakeMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ctx.channel() != channel) {
                return;
            }
            if (msg instanceof ZmtpDecoder.Greeting greeting) {
                String problem = ZmtpGreeting.problem(greeting.bytes());
                if (problem != null) {
                    throw new ZmtpException(problem);
                }
                ByteBuf ready = ctx.alloc().buffer();
                ZmtpDecoder.encodeCommand(ZmtpCommand.ready(type.name(), identity), ready);
                ctx.writeAndFlush(ready);
            } else if (msg instanceof ZmtpCommand command) {
                onCommand(ctx, command);
            } else if (ready) {
                onMessage.accept((List<byte[]>) msg);
            } else {
                throw new ZmtpException("a message before the peer's READY");
            }
        }

        private void onCommand(ChannelHandlerContext ctx, ZmtpCommand command) {
            switch (command.name()) {
                case ZmtpCommand.READY -> {
                    byte[] peerType = command.properties().get("socket-type");
                    String peer = peerType == null ? "" : new String(peerType, StandardCharsets.US_ASCII)
                            .toUpperCase(Locale.ROOT);
                    if (!type.peers.contains(peer)) {
                        throw new ZmtpException("a " + type + " cannot talk to a " + peer + " socket");
                    }
                    cancelHandshakeTimer();
                    ready = true;
                    reconnectMillis = RECONNECT_MIN_MILLIS;
                    if (type == Type.SUB) {
                        write(SUBSCRIBE_ALL, false);
                    }
                    flushPending();
                }
                case ZmtpCommand.ERROR -> throw new ZmtpException("peer refused the handshake: " + command.reason());
                default -> log.debug("{}: ignored ZMTP command {}", ZmtpSocket.this, command.name());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable reason = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause;
            if (reason instanceof ZmtpException) {
                log.warn("{}: {}; dialling again", ZmtpSocket.this, reason.getMessage());
            } else {
                log.debug("{}: connection failed", ZmtpSocket.this, reason);
            }
            ctx.close();
        }
    }
}
