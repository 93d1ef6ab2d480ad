package dev.kernelgate.execd.egress;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An authoritative-for-everything test nameserver, over UDP and TCP on one port: A records from a map, NXDOMAIN for
 * any other name; or, told to {@link #behave}, one that fails its askers.
 */
public final class TinyDnsServer implements AutoCloseable {
    /** How the server treats a query. */
    public enum Behaviour {
        /** Answers it. */
        ANSWER,
        /** Never answers (over TCP: keeps the connection open, reading). */
        SILENT,
        /** Over TCP: closes the connection without answering; over UDP the same as {@link #SILENT}. */
        CLOSE
    }

    private volatile Behaviour behaviour = Behaviour.ANSWER;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, String> records = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final Channel channel;
    private final Channel tcp;

    public TinyDnsServer(InetSocketAddress bind, Map<String, String> a) {
        records.putAll(a);
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query)
                                            throws Exception {
                                        queries.incrementAndGet();
                                        if (behaviour == Behaviour.ANSWER) {
                                            ctx.writeAndFlush(answer(query));
                                        }
                                    }
                                });
                    }
                }).bind(bind).syncUninterruptibly().channel();
        tcp = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query)
                                            throws Exception {
                                        queries.incrementAndGet();
                                        tcpQueries.incrementAndGet();
                                        switch (behaviour) {
                                            case ANSWER -> ctx.writeAndFlush(fill(query,
                                                    new DefaultDnsResponse(query.id(), query.opCode())));
                                            case CLOSE -> ctx.close();
                                            case SILENT -> { }
                                        }
                                    }
                                });
                    }
                }).bind(address()).syncUninterruptibly().channel();
    }

    /** From now on, treats every query so. */
    public void behave(Behaviour next) {
        behaviour = next;
    }

    /** Queries that came over TCP. */
    public int tcpQueries() {
        return tcpQueries.get();
    }

    private DatagramDnsResponse answer(DatagramDnsQuery query) throws Exception {
        return fill(query, new DatagramDnsResponse(query.recipient(), query.sender(), query.id(), query.opCode()));
    }

    private <R extends DnsResponse> R fill(DnsQuery query, R response) throws Exception {
        DnsQuestion question = query.recordAt(DnsSection.QUESTION);
        String name = question.name().endsWith(".") ? question.name().substring(0, question.name().length() - 1)
                : question.name();
        String address = records.get(name.toLowerCase());
        response.setCode(address == null ? DnsResponseCode.NXDOMAIN : DnsResponseCode.NOERROR);
        response.addRecord(DnsSection.QUESTION, question);
        if (address != null && question.type() == DnsRecordType.A) {
            response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A, 30,
                    Unpooled.wrappedBuffer(InetAddress.getByName(address).getAddress())));
        }
        return response;
    }

    /** Adds or changes an A record. */
    public void put(String name, String address) {
        records.put(name, address);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public int queries() {
        return queries.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        tcp.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
