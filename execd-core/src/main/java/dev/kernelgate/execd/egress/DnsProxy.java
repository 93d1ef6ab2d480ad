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
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's resolver (UDP; TCP in {@link DnsTcpProxy}): a query for a name the policy denies is answered NXDOMAIN at once; any other query is
 * forwarded to the upstream nameserver under a fresh id and its answer returned to the asker. Both sockets live on
 * one event loop, so the table of queries in flight needs no lock.
 */
public final class DnsProxy {
    private static final Logger LOG = LoggerFactory.getLogger(DnsProxy.class);
    /** How long a forwarded query waits for its answer before it is forgotten (the asker retries). */
    static final long QUERY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int MAX_DATAGRAM = 65535;

    private final InetSocketAddress listen;
    private final InetSocketAddress upstream;
    private final PolicyState policy;
    private final AnswerListener answers;
    private final DnsTransport transport;

    public DnsProxy(InetSocketAddress listen, InetSocketAddress upstream, PolicyState policy, AnswerListener answers) {
        this.transport = DnsTransport.forThisPlatform();
        this.listen = listen;
        this.upstream = upstream;
        this.policy = policy;
        this.answers = answers;
    }

    /** A running proxy: its bound address and {@link #close()}. */
    public record Running(InetSocketAddress address, EventLoopGroup group) implements AutoCloseable {
        @Override
        public void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private record Pending(int id, InetSocketAddress asker, long sentNanos) {
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
            new DnsTcpProxy(upstream, policy, answers, transport).bind(group, bound);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new UncheckedIOException(new BindException("cannot bind the DNS proxy to " + bound + " (tcp): "
                    + e.getMessage()));
        }
        loop.scheduleAtFixedRate(() -> expire(inFlight), 1, 1, TimeUnit.SECONDS);
        LOG.info("egress DNS proxy on {} (udp and tcp), upstream {}", bound, upstream);
        return new Running(bound, group);
    }

    private void answer(ChannelHandlerContext ctx, DnsQueryDecoder.Query query, Map<Integer, Pending> inFlight,
                        Channel toUpstream) {
        DatagramDnsQuery decoded = query.decoded();
        ByteBuf raw = query.raw();
        try {
            DnsQuestion question = decoded.count(DnsSection.QUESTION) > 0 ? decoded.recordAt(DnsSection.QUESTION)
                    : null;
            if (question == null || !policy.current().allows(question.name())) {
                if (question != null) {
                    LOG.info("egress DNS: {} denied by policy (NXDOMAIN)", question.name());
                }
                ctx.writeAndFlush(refusal(decoded, question));
                return;
            }
            int id = freeId(inFlight);
            if (id < 0) {
                ctx.writeAndFlush(reply(decoded, question, DnsResponseCode.SERVFAIL));
                return;
            }
            inFlight.put(id, new Pending(decoded.id(), decoded.sender(), System.nanoTime()));
            raw.setShort(0, id);
            toUpstream.writeAndFlush(new DatagramPacket(raw.retain(), upstream));
        } finally {
            raw.release();
            decoded.release();
        }
    }

    private static DatagramDnsResponse refusal(DatagramDnsQuery query, DnsQuestion question) {
        return reply(query, question, question == null ? DnsResponseCode.FORMERR : DnsResponseCode.NXDOMAIN);
    }

    private static DatagramDnsResponse reply(DatagramDnsQuery query, DnsQuestion question, DnsResponseCode code) {
        DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id(),
                query.opCode(), code);
        response.setRecursionDesired(query.isRecursionDesired()).setRecursionAvailable(true);
        if (question != null) {
            response.addRecord(DnsSection.QUESTION, question);
        }
        return response;
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
            answer.setShort(0, pending.id());
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

    private static void expire(Map<Integer, Pending> inFlight) {
        long now = System.nanoTime();
        for (Iterator<Pending> it = inFlight.values().iterator(); it.hasNext(); ) {
            if (now - it.next().sentNanos() > QUERY_TIMEOUT_NANOS) {
                it.remove();
            }
        }
    }
}
