package dev.kernelgate.execd.egress;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy over TCP (RFC 7766: each message after a two-byte length), which resolvers fall back to when a UDP answer
 * comes truncated: the same policy check, then each allowed query on a TCP connection of its own to the upstream
 * nameserver, its answer relayed as it came; SERVFAIL at once when that connection fails, times out or closes
 * without an answer.
 */
final class DnsTcpProxy {
    private static final Logger LOG = LoggerFactory.getLogger(DnsTcpProxy.class);

    private final InetSocketAddress upstream;
    private final PolicyState policy;
    private final AnswerListener answers;
    private final DnsTransport transport;
    private final Duration timeout;

    DnsTcpProxy(InetSocketAddress upstream, PolicyState policy, AnswerListener answers, DnsTransport transport,
                Duration timeout) {
        this.transport = transport;
        this.timeout = timeout;
        this.upstream = upstream;
        this.policy = policy;
        this.answers = answers;
    }

    /** Listens on {@code address} (the UDP proxy's), on {@code group}'s loops. */
    Channel bind(EventLoopGroup group, InetSocketAddress address) {
        return new ServerBootstrap().group(group).channel(transport.server())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(30), frames(), new TcpDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf message) {
                                        query(ctx, message);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                    }
                }).bind(address).syncUninterruptibly().channel();
    }

    private static LengthFieldBasedFrameDecoder frames() {
        return new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2);
    }

    private void query(ChannelHandlerContext ctx, ByteBuf message) {
        DatagramDnsQuery query = DnsQueryDecoder.parse(message, (InetSocketAddress) ctx.channel().remoteAddress(),
                (InetSocketAddress) ctx.channel().localAddress());
        if (query == null) {
            ctx.close();
            return;
        }
        QueryEcho echo;
        try {
            echo = QueryEcho.of(query);
        } finally {
            query.release();
        }
        if (echo.question() == null || !policy.current().allows(echo.question().name())) {
            if (echo.question() != null) {
                LOG.info("egress DNS (tcp): {} denied by policy (NXDOMAIN)", echo.question().name());
            }
            ctx.writeAndFlush(echo.stream(echo.refusalCode()));
            return;
        }
        forward(ctx, message.retain(), echo);
    }

    /** One upstream connection for one query; its first answer goes back to the asker, then it closes. */
    private void forward(ChannelHandlerContext client, ByteBuf message, QueryEcho echo) {
        Exchange exchange = new Exchange(client, echo);
        transport.upstream(new Bootstrap()).group(client.channel().eventLoop()).channel(transport.socket())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(timeout.toMillis(), TimeUnit.MILLISECONDS),
                                frames(), exchange);
                    }
                })
                .connect(upstream).addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        message.release();
                        exchange.fail("refused: " + connected.cause());
                        return;
                    }
                    connected.channel().writeAndFlush(Unpooled.wrappedBuffer(length(message), message));
                });
    }

    /**
     * The upstream side of one query, on the asker's event loop: relays the first answer, or answers SERVFAIL when
     * the connection ends (closed, reset, timed out) before one came.
     */
    private final class Exchange extends SimpleChannelInboundHandler<ByteBuf> {
        private final ChannelHandlerContext client;
        private final QueryEcho echo;
        private boolean settled;

        Exchange(ChannelHandlerContext client, QueryEcho echo) {
            this.client = client;
            this.echo = echo;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf answer) {
            if (!settled) {
                settled = true;
                relay(client, answer.retain());
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail("closed without an answer");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause instanceof ReadTimeoutException ? "no answer in " + timeout.toMillis() + " ms"
                    : cause.toString());
            ctx.close();
        }

        void fail(String why) {
            if (settled) {
                return;
            }
            settled = true;
            LOG.warn("egress DNS (tcp): upstream {} {} for {} (SERVFAIL)", upstream, why, echo.question().name());
            client.writeAndFlush(echo.stream(DnsResponseCode.SERVFAIL));
        }
    }

    private void relay(ChannelHandlerContext client, ByteBuf answer) {
        answers.admitted(answer.duplicate()).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warn("egress DNS (tcp): an answer's addresses could not be admitted at the IP layer: {}",
                        failure.toString());
            }
            client.writeAndFlush(Unpooled.wrappedBuffer(length(answer), answer));
        });
    }

    private static ByteBuf length(ByteBuf message) {
        return Unpooled.buffer(2).writeShort(message.readableBytes());
    }
}
