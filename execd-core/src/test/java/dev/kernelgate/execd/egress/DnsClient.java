package dev.kernelgate.execd.egress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuery;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryEncoder;
import io.netty.handler.codec.dns.TcpDnsResponseDecoder;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

/**
 * Asks one nameserver one A question at a time, uncached, over UDP or TCP, and reports the response code and first
 * address.
 */
public final class DnsClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final DnsNameResolver resolver;
    private final InetSocketAddress server;

    /** The response code's name ({@code NoError}, {@code NXDomain}, ...) and the first A record, or null. */
    public record Answer(String code, String address) {
    }

    public DnsClient(InetSocketAddress server) {
        this.server = server;
        resolver = new DnsNameResolverBuilder(group.next()).datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(new SingletonDnsServerAddressStreamProvider(server))
                .resolveCache(NoopDnsCache.INSTANCE).queryTimeoutMillis(2000).maxQueriesPerResolve(1)
                .recursionDesired(true).build();
    }

    /** A reply as it came: its id, its first question's name (or null), its response code's name. */
    public record Reply(int id, String question, String code) {
    }

    public Answer ask(String name) throws Exception {
        AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = resolver
                .query(new DefaultDnsQuestion(name, DnsRecordType.A)).get(5, TimeUnit.SECONDS);
        try {
            return answerOf(envelope.content());
        } finally {
            envelope.release();
        }
    }

    /** The same question over TCP (a two-byte length, then the message), on a connection of its own. */
    public Answer askTcp(String name) throws Exception {
        return decoded(roundTrip(name, 4242, true), DnsClient::answerOf);
    }

    /** One query with id {@code id}, over TCP or as one UDP datagram (no retry); the reply as it came. */
    public Reply exchange(String name, int id, boolean tcp) throws Exception {
        return decoded(roundTrip(name, id, tcp), response -> new Reply(response.id(),
                response.count(DnsSection.QUESTION) > 0 ? response.recordAt(DnsSection.QUESTION).name() : null,
                code(response)));
    }

    /** The reply's message (without a length) to an A query for {@code name}. */
    private byte[] roundTrip(String name, int id, boolean tcp) throws Exception {
        EmbeddedChannel encoder = new EmbeddedChannel(new TcpDnsQueryEncoder());
        encoder.writeOutbound(new DefaultDnsQuery(id).setRecursionDesired(true)
                .setRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, DnsRecordType.A)));
        ByteBuf query = encoder.readOutbound();
        byte[] bytes = new byte[query.readableBytes()];
        query.readBytes(bytes);
        query.release();
        encoder.finishAndReleaseAll();
        if (!tcp) {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout(5000);
                socket.send(new DatagramPacket(bytes, 2, bytes.length - 2, server));
                DatagramPacket reply = new DatagramPacket(new byte[65535], 65535);
                socket.receive(reply);
                return Arrays.copyOf(reply.getData(), reply.getLength());
            }
        }
        try (Socket socket = new Socket()) {
            socket.connect(server, 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(bytes);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return answer;
        }
    }

    private static <T> T decoded(byte[] message, Function<DnsResponse, T> read) {
        EmbeddedChannel decoder = new EmbeddedChannel(new TcpDnsResponseDecoder());
        decoder.writeInbound(Unpooled.buffer().writeShort(message.length).writeBytes(message));
        DnsResponse response = decoder.readInbound();
        try {
            return read.apply(response);
        } finally {
            response.release();
            decoder.finishAndReleaseAll();
        }
    }

    private static Answer answerOf(DnsResponse response) {
        String address = null;
        if (response.count(DnsSection.ANSWER) > 0 && response.recordAt(DnsSection.ANSWER) instanceof DnsRawRecord raw) {
            byte[] bytes = new byte[raw.content().readableBytes()];
            raw.content().getBytes(raw.content().readerIndex(), bytes);
            try {
                address = InetAddress.getByAddress(bytes).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Answer(code(response), address);
    }

    private static String code(DnsResponse response) {
        return response.code().toString().replaceAll("\\(.*", "");
    }

    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
