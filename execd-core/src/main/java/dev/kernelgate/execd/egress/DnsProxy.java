package dev.kernelgate.execd.egress;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's resolver (UDP; TCP in {@link DnsTcpProxy}): a query for a name the policy denies is answered NXDOMAIN
 * at once; any other query is forwarded to the upstream nameserver under a fresh id and its answer returned to the
 * asker, or SERVFAIL when the upstream does not answer in time (so the asker need not wait out its own timeout).
 * Both sockets live on one event loop, so the table of queries in flight needs no lock.
 */
public final class DnsProxy {
    private static final Logger LOG = LoggerFactory.getLogger(DnsProxy.class);
    /** How long a forwarded query waits for the upstream's answer before the asker gets SERVFAIL. */
    static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_DATAGRAM = 65535;

    private final InetSocketAddress listen;
    private final InetSocketAddress upstream;
    private final PolicyState policy;
    private final AnswerListener answers;
    private final DnsTransport transport;
    private final Duration upstreamTimeout;

    public DnsProxy(InetSocketAddress listen, InetSocketAddress upstream, PolicyState policy, AnswerListener answers) {
        this(listen, upstream, policy, answers, UPSTREAM_TIMEOUT);
    }

    DnsProxy(InetSocketAddress listen, InetSocketAddress upstream, PolicyState policy, AnswerListener answers,
             Duration upstreamTimeout) {
        this.transport = DnsTransport.forThisPlatform();
        this.listen = listen;
        this.upstream = upstream;
        this.policy = policy;
        this.answers = answers;
        this.upstreamTimeout = upstreamTimeout;
    }

    /** A running proxy: its bound address and {@link #close()}. */
    public record Running(InetSocketAddress address, EventLoopGroup group) implements AutoCloseable {
        @Override
        public void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A forwarded query: whom to answer, and when it was sent. */
    private record Pending(QueryEcho echo, InetSocketAddress asker, InetSocketAddress local, long sentNanos) {
    }

    public Running start() {
        EventLoopGroup group = transport.group(1, "kernelgate-egress-dns");
        EventLoop loop = group.next();
        Map<Integer, Pending> inFlight = new HashMap<>();
        Channel[] server = new Channel[1];
        try {
            // A datagram is read whole up to 64 KiB: EDNS answers exceed Netty's 2 KiB default.
            FixedRecvByteBufAllocator whole = new FixedRecvByteBufAllocator(MAX_DATAGRAM);
            Channel toUpstream = transport.upstream(new Bootstrap()).group(loop).channel(transport.datagram())
                    .option(ChannelOption.RCVBUF_ALLOCATOR, whole)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            relayAnswer(packet, inFlight, server[0]);
                        }
                    })
                    .bind(new InetSocketAddress(0)).syncUninterruptibly().channel();
            server[0] = new Bootstrap().group(loop).channel(transport.datagram())
                    .option(ChannelOption.RCVBUF_ALLOCATOR, whole)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            ch.pipeline().addLast(new DnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                    new SimpleChannelInboundHandler<DnsQueryDecoder.Query>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx,
                                                                    DnsQueryDecoder.Query query) {
                                            answer(ctx, query, inFlight, toUpstream);
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                            LOG.debug("malformed DNS query dropped: {}", cause.toString());
                                        }
                                    });
                        }
                    })
                    .bind(listen).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            BindException bind = new BindException("cannot bind the DNS proxy to " + listen + ": " + e.getMessage());
            bind.initCause(e);
            throw new UncheckedIOException(bind);
        }
        InetSocketAddress bound = (InetSocketAddress) server[0].localAddress();
        try {
            new DnsTcpProxy(upstream, policy, answers, transport, upstreamTimeout).bind(group, bound);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new UncheckedIOException(new BindException("cannot bind the DNS proxy to " + bound + " (tcp): "
                    + e.getMessage()));
        }
        // Swept a few times per timeout (at most once a second): SERVFAIL comes within a quarter timeout of it.
        long sweep = Math.max(10, Math.min(1000, upstreamTimeout.toMillis() / 4));
        loop.scheduleAtFixedRate(() -> expire(inFlight, server[0]), sweep, sweep, TimeUnit.MILLISECONDS);
        LOG.info("egress DNS proxy on {} (udp and tcp), upstream {}", bound, upstream);
        return new Running(bound, group);
    }

    private void answer(ChannelHandlerContext ctx, DnsQueryDecoder.Query query, Map<Integer, Pending> inFlight,
                        Channel toUpstream) {
        DatagramDnsQuery decoded = query.decoded();
        ByteBuf raw = query.raw();
        try {
            QueryEcho echo = QueryEcho.of(decoded);
            if (echo.question() == null || !policy.current().allows(echo.question().name())) {
                if (echo.question() != null) {
                    LOG.info("egress DNS: {} denied by policy (NXDOMAIN)", echo.question().name());
                }
                ctx.writeAndFlush(echo.datagram(decoded.recipient(), decoded.sender(), echo.refusalCode()));
                return;
            }
            int id = freeId(inFlight);
            if (id < 0) {
                ctx.writeAndFlush(echo.datagram(decoded.recipient(), decoded.sender(), DnsResponseCode.SERVFAIL));
                return;
            }
            Pending pending = new Pending(echo, decoded.sender(), decoded.recipient(), System.nanoTime());
            inFlight.put(id, pending);
            raw.setShort(0, id);
            toUpstream.writeAndFlush(new DatagramPacket(raw.retain(), upstream)).addListener(sent -> {
                if (!sent.isSuccess() && inFlight.remove(id, pending)) {
                    LOG.warn("egress DNS: cannot send to upstream {} (SERVFAIL): {}", upstream,
                            sent.cause().toString());
                    servfail(ctx.channel(), pending);
                }
            });
        } finally {
            raw.release();
            decoded.release();
        }
    }

    private void relayAnswer(DatagramPacket packet, Map<Integer, Pending> inFlight, Channel server) {
        ByteBuf content = packet.content();
        if (content.readableBytes() < 12 || !packet.sender().equals(upstream)) {
            return;
        }
        Pending pending = inFlight.remove(content.getUnsignedShort(0));
        if (pending == null || server == null) {
            return;
        }
        ByteBuf answer = content.retain();
        answers.admitted(content.duplicate()).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warn("egress DNS: an answer's addresses could not be admitted at the IP layer: {}",
                        failure.toString());
            }
            answer.setShort(0, pending.echo().id());
            // Written from the decoder's place in the pipeline, below the response encoder: the answer goes out as
            // the upstream's bytes (the encoder would take the datagram for a response to encode).
            server.pipeline().context(DnsQueryDecoder.class).writeAndFlush(new DatagramPacket(answer, pending.asker()));
        });
    }

    /** A query id not in flight, starting from a random one; -1 when all 65536 are taken. */
    private static int freeId(Map<Integer, Pending> inFlight) {
        int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(65536);
        for (int i = 0; i < 65536; i++) {
            int id = (start + i) & 0xFFFF;
            if (!inFlight.containsKey(id)) {
                return id;
            }
        }
        return -1;
    }

    /** Forgets the queries the upstream left unanswered past the timeout, answering each SERVFAIL. */
    private void expire(Map<Integer, Pending> inFlight, Channel server) {
        long now = System.nanoTime();
        for (Iterator<Pending> it = inFlight.values().iterator(); it.hasNext(); ) {
            Pending pending = it.next();
            if (now - pending.sentNanos() > upstreamTimeout.toNanos()) {
                it.remove();
                LOG.info("egress DNS: upstream {} did not answer {} in {} ms (SERVFAIL)", upstream,
                        pending.echo().question().name(), upstreamTimeout.toMillis());
                servfail(server, pending);
            }
        }
    }

    private static void servfail(Channel server, Pending pending) {
        server.writeAndFlush(pending.echo().datagram(pending.local(), pending.asker(), DnsResponseCode.SERVFAIL));
    }
}
