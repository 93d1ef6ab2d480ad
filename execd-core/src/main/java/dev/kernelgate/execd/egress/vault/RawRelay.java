package dev.kernelgate.execd.egress.vault;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A connection the vault leaves alone: its bytes are relayed to the original destination unchanged (TLS to a host
 * no binding names). What arrives before the destination answers is held, then sent first.
 */
final class RawRelay extends ChannelInboundHandlerAdapter {
    private final InetSocketAddress destination;
    private final int mark;
    private final Queue<Object> pending = new ArrayDeque<>();
    private Channel upstream;

    RawRelay(InetSocketAddress destination, int mark) {
        this.destination = destination;
        this.mark = mark;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        ProxySockets.bootstrap(client.eventLoop(), mark)
                .handler(new Back(client))
                .connect(destination)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        pending.forEach(ReferenceCountUtil::release);
                        pending.clear();
                        client.close();
                        return;
                    }
                    upstream = f.channel();
                    while (!pending.isEmpty()) {
                        upstream.write(pending.poll());
                    }
                    upstream.flush();
                    client.config().setAutoRead(true);
                });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upstream == null) {
            pending.add(msg);
            return;
        }
        upstream.writeAndFlush(msg);
        if (!upstream.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null && ctx.channel().isWritable()) {
            upstream.config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** The destination's side: bytes back to the client. */
    private final class Back extends ChannelInboundHandlerAdapter {
        private final Channel client;

        Back(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            client.writeAndFlush(msg);
            if (!client.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                client.config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
