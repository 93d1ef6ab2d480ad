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
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy over TCP (RFC 7766: each message after a two-byte length), which resolvers fall back to when a UDP answer
 * comes truncated: the same policy check, then each allowed query on a TCP connection of its own to the upstream
 * nameserver, its answer relayed as it came.
 */
final class DnsTcpProxy {
    private static final Logger LOG = LoggerFactory.getLogger(DnsTcpProxy.class);
    private static final int TIMEOUT_SECONDS = 5;

    private final InetSocketAddress upstream;
    private final PolicyState policy;
    private final AnswerListener answers;
    private final DnsTransport transport;

    DnsTcpProxy(InetSocketAddress upstream, PolicyState policy, AnswerListener answers, DnsTransport transport) {
        this.transport = transport;
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
        try {
            DnsQuestion question = query.count(DnsSection.QUESTION) > 0 ? query.recordAt(DnsSection.QUESTION) : null;
            if (question == null || !policy.current().allows(question.name())) {
                if (question != null) {
                    LOG.info("egress DNS (tcp): {} denied by policy (NXDOMAIN)", question.name());
                }
                DefaultDnsResponse refusal = new DefaultDnsResponse(query.id(), query.opCode(),
                        question == null ? DnsResponseCode.FORMERR : DnsResponseCode.NXDOMAIN);
                refusal.setRecursionDesired(query.isRecursionDesired()).setRecursionAvailable(true);
                if (question != null) {
                    refusal.addRecord(DnsSection.QUESTION, question);
                }
                ctx.writeAndFlush(refusal);
                return;
            }
        } finally {
            query.release();
        }
        forward(ctx, message.retain());
    }

    /** One upstream connection for one query; its first answer goes back to the asker, then it closes. */
    private void forward(ChannelHandlerContext client, ByteBuf message) {
        transport.upstream(new Bootstrap()).group(client.channel().eventLoop()).channel(transport.socket())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, TIMEOUT_SECONDS * 1000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(TIMEOUT_SECONDS), frames(),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf answer) {
                                        ctx.close();
                                        relay(client, answer.retain());
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                    }
                })
                .connect(upstream).addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        message.release();
                        LOG.warn("egress DNS (tcp): upstream {} refused: {}", upstream, connected.cause().toString());
                        client.close();
                        return;
                    }
                    connected.channel().writeAndFlush(Unpooled.wrappedBuffer(length(message), message));
                });
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
