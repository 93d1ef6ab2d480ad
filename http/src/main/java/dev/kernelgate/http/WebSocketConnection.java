package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline end of an upgraded connection: frames to the {@link WebSocketListener}, sends from the
 * {@link WebSocketSession}, server pings with a pong deadline, and the close handshake.
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter implements WebSocketSession {

    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
    private static final long CLOSE_GRACE_MILLIS = 2000;

    private final Request request;
    private final String subprotocol;
    private final WebSocketListener listener;
    private final long pingNanos;
    private final long pongTimeoutNanos;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Channel channel;
    private volatile boolean opened;
    private boolean everOpened;
    private volatile long lastPongNanos;
    // Event-loop-confined.
    private int closeCode = WebSocketCloseStatus.ABNORMAL_CLOSURE.code();
    private String closeReason = "";
    private boolean closeNotified;
    private ScheduledFuture<?> pinger;

    WebSocketConnection(Request request, WebSocketAcceptance acceptance, Duration pingInterval,
                        Duration pongTimeout) {
        this.request = request;
        this.subprotocol = acceptance.subprotocol();
        this.listener = acceptance.listener();
        this.pingNanos = pingInterval.toNanos();
        this.pongTimeoutNanos = pongTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
    }

    /** Handshake response written: start talking. */
    void opened() {
        lastPongNanos = System.nanoTime();
        opened = true;
        everOpened = true;
        if (pingNanos > 0) {
            pinger = channel.eventLoop().scheduleAtFixedRate(this::ping, pingNanos, pingNanos, TimeUnit.NANOSECONDS);
        }
        notifyListener(() -> listener.onOpen(this));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                if (!closing.get()) {
                    String s = text.text();
                    notifyListener(() -> listener.onText(this, s));
                }
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                if (!closing.get()) {
                    notifyListener(() -> listener.onBinary(this, binary.content()));
                }
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof PongWebSocketFrame) {
                lastPongNanos = System.nanoTime();
            } else if (msg instanceof CloseWebSocketFrame close) {
                peerClosed(ctx, close);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void peerClosed(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        int code = close.statusCode();
        if (closing.compareAndSet(false, true)) {
            closeCode = code < 0 ? WebSocketCloseStatus.EMPTY.code() : code;
            closeReason = close.reasonText() == null ? "" : close.reasonText();
            // Echo the peer's code (RFC 6455 5.5.1), then drop the connection.
            CloseWebSocketFrame echo = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
            ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close(); // the peer acknowledged our close
        }
    }

    private void ping() {
        if (System.nanoTime() - lastPongNanos > pongTimeoutNanos) {
            log.debug("WebSocket {} missed its pong deadline; closing", request);
            if (closing.compareAndSet(false, true)) {
                // A peer that stopped ponging will not answer a close either: do not wait for it.
                closeCode = WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code();
                closeReason = "ping timeout";
                channel.writeAndFlush(new CloseWebSocketFrame(closeCode, closeReason))
                        .addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        channel.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            // The frame decoder has already sent its close frame (1009 for oversize, 1002 otherwise).
            closing.set(true);
            closeCode = corrupted.closeStatus().code();
            closeReason = corrupted.closeStatus().reasonText();
            ctx.close();
        } else if (cause instanceof TooLongFrameException) {
            // Fragments added up past the limit in the aggregator.
            close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "Message too big");
        } else if (cause instanceof IOException) {
            log.debug("WebSocket {} I/O error", request, cause);
            ctx.close();
        } else {
            log.warn("WebSocket {} failed", request, cause);
            close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Internal error");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        opened = false;
        closing.set(true);
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (!closeNotified && everOpened) {
            closeNotified = true;
            int code = closeCode;
            String reason = closeReason;
            notifyListener(() -> listener.onClose(this, code, reason));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        if (opened) {
            notifyListener(() -> listener.onWritabilityChanged(this, writable));
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("WebSocket listener failed on {}", request, e);
            close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Internal error");
        }
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public boolean sendText(String text) {
        if (!isOpen()) {
            return false;
        }
        channel.writeAndFlush(new TextWebSocketFrame(text));
        return true;
    }

    @Override
    public boolean sendBinary(ByteBuf data) {
        if (!isOpen()) {
            data.release();
            return false;
        }
        channel.writeAndFlush(new BinaryWebSocketFrame(data));
        return true;
    }

    @Override
    public boolean sendBinary(byte[] data) {
        return sendBinary(Unpooled.wrappedBuffer(data));
    }

    @Override
    public boolean writeText(byte[] utf8) {
        if (!isOpen()) {
            return false;
        }
        channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)), channel.voidPromise());
        return true;
    }

    @Override
    public boolean writeBinary(byte[] data) {
        if (!isOpen()) {
            return false;
        }
        channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)), channel.voidPromise());
        return true;
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void close(int code, String reason) {
        Channel ch = channel;
        if (ch == null || !closing.compareAndSet(false, true)) {
            return;
        }
        try {
            ch.eventLoop().execute(() -> {
                closeCode = code;
                closeReason = reason == null ? "" : reason;
                ch.writeAndFlush(new CloseWebSocketFrame(code, closeReason));
                // Wait briefly for the peer's close, as RFC 6455 asks, but never for a dead peer.
                ch.eventLoop().schedule(() -> ch.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            });
        } catch (RejectedExecutionException e) {
            ch.close(); // server shutting down
        }
    }

    @Override
    public boolean isOpen() {
        return opened && !closing.get();
    }

    @Override
    public boolean isWritable() {
        Channel ch = channel;
        return ch != null && ch.isWritable();
    }

    @Override
    public EventExecutor executor() {
        return channel.eventLoop();
    }
}
