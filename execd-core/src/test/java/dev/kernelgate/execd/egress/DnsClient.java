package dev.kernelgate.execd.egress;

import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Asks one nameserver one A question at a time, uncached, and reports the response code and first address. */
public final class DnsClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final DnsNameResolver resolver;

    /** The response code's name ({@code NoError}, {@code NXDomain}, ...) and the first A record, or null. */
    public record Answer(String code, String address) {
    }

    public DnsClient(InetSocketAddress server) {
        resolver = new DnsNameResolverBuilder(group.next()).datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(new SingletonDnsServerAddressStreamProvider(server))
                .resolveCache(NoopDnsCache.INSTANCE).queryTimeoutMillis(2000).maxQueriesPerResolve(1)
                .recursionDesired(true).build();
    }

    public Answer ask(String name) throws Exception {
        AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = resolver
                .query(new DefaultDnsQuestion(name, DnsRecordType.A)).get(5, TimeUnit.SECONDS);
        try {
            DnsResponse response = envelope.content();
            String address = null;
            if (response.count(DnsSection.ANSWER) > 0
                    && response.recordAt(DnsSection.ANSWER) instanceof DnsRawRecord raw) {
                byte[] bytes = new byte[raw.content().readableBytes()];
                raw.content().getBytes(raw.content().readerIndex(), bytes);
                address = InetAddress.getByAddress(bytes).getHostAddress();
            }
            return new Answer(response.code().toString().replaceAll("\\(.*", ""), address);
        } finally {
            envelope.release();
        }
    }

    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
