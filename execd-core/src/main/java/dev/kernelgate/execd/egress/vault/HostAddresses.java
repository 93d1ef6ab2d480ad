package dev.kernelgate.execd.egress.vault;

import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The IPv4 addresses a bound host has in DNS, asked of the egress sidecar's upstream nameserver on sockets that carry
 * the sidecar's mark (so neither the DNS proxy that serves the sandbox nor the sandbox's own answers are involved),
 * cached for their TTL by Netty's resolver. The plain-HTTP relay sends a binding's secret only over a connection whose
 * original destination is one of them: the Host header is the sandbox's word, the destination is where the secret
 * would go.
 */
final class HostAddresses implements AutoCloseable {
    /** setsockopt(SOL_SOCKET, SO_MARK): Linux's numbers, needs CAP_NET_ADMIN. */
    private static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);

    /** What DNS says of a host. */
    sealed interface Answer permits Known, NoSuchName, Failed {
    }

    record Known(Set<InetAddress> addresses) implements Answer {
    }

    /** NXDOMAIN, or a name with no A record: it has no address of its own that a destination could be checked against. */
    record NoSuchName() implements Answer {
    }

    record Failed(String why) implements Answer {
    }

    private final DnsNameResolver resolver;

    HostAddresses(EventLoop loop, InetSocketAddress nameserver, int mark) {
        this.resolver = new DnsNameResolverBuilder(loop)
                .datagramChannelFactory(() -> marked(mark))
                .nameServerProvider(new SingletonDnsServerAddressStreamProvider(nameserver))
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_ONLY)
                .queryTimeoutMillis(5_000)
                // The name as bound, asked of the nameserver alone: no search domains, no hosts file, no EDNS.
                .searchDomains(List.of())
                .ndots(1)
                .hostsFileEntriesResolver((name, types) -> null)
                .optResourceEnabled(false)
                .build();
    }

    private static DatagramChannel marked(int mark) {
        EpollDatagramChannel channel = new EpollDatagramChannel();
        channel.config().setOption(SO_MARK, mark);
        return channel;
    }

    /** Completes (never exceptionally) with what DNS says of {@code host}. */
    CompletableFuture<Answer> lookUp(String host) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        resolver.resolveAll(host).addListener(f -> {
            if (f.isSuccess()) {
                @SuppressWarnings("unchecked")
                List<InetAddress> addresses = (List<InetAddress>) f.getNow();
                answer.complete(addresses.isEmpty() ? new NoSuchName() : new Known(Set.copyOf(addresses)));
            } else {
                answer.complete(noSuchName(f.cause()) ? new NoSuchName() : new Failed(String.valueOf(f.cause())));
            }
        });
        return answer;
    }

    private static boolean noSuchName(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DnsErrorCauseException dns && dns.getCode() == DnsResponseCode.NXDOMAIN) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        resolver.close();
    }
}
