package dev.kernelgate.execd.egress.vault;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The transparent proxy of the credential vault: iptables redirects the sandbox's outbound HTTP and HTTPS
 * connections here; each is relayed to its original destination ({@link OriginalDestination}), with the headers of
 * the one binding a request matches set on it ({@link RequestRelay}); TLS to a host some binding names is terminated
 * with a certificate of the sandbox's CA ({@link TlsInterception}), other TLS passes untouched. Its own connections carry the firewall mark
 * {@code mark}, which the redirect rule lets pass, so they are not redirected back. Linux only (epoll: the socket's
 * descriptor and the mark).
 */
public final class InjectingProxy {
    private final InetSocketAddress listen;
    private final Supplier<ActiveVault> vault;
    private final int mark;
    private final RequestRelay.Tls tls;
    private final InetSocketAddress nameserver;

    /**
     * @param listen     where to listen (the redirect's target port on the loopback)
     * @param vault      the bindings in force, read for every request
     * @param mark       the firewall mark of the proxy's own upstream connections
     * @param authority  the CA for TLS interception
     * @param tlsPorts   the destination ports whose connections are TLS
     * @param extraTrust PEM certificates the proxy trusts for destinations besides the JDK's, or null
     * @param nameserver the upstream nameserver, asked for a bound host's addresses (with {@code mark})
     */
    public InjectingProxy(InetSocketAddress listen, Supplier<ActiveVault> vault, int mark, MitmAuthority authority,
                          java.util.Set<Integer> tlsPorts, java.nio.file.Path extraTrust, InetSocketAddress nameserver) {
        this.listen = listen;
        this.nameserver = nameserver;
        this.vault = vault;
        this.mark = mark;
        this.tls = new RequestRelay.Tls(authority, UpstreamTrust.clientContext(extraTrust), Set.copyOf(tlsPorts));
    }

    /** The listening proxy. */
    public record Running(InetSocketAddress address, Channel server, EventLoopGroup group, HostAddresses addresses)
            implements AutoCloseable {
        @Override
        public void close() {
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            addresses.close();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    public Running start() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("the credential vault's proxy needs Linux (native epoll): "
                    + Epoll.unavailabilityCause());
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("kernelgate-egress-vault",
                true), EpollIoHandler.newFactory());
        HostAddresses addresses = new HostAddresses(group.next(), nameserver, mark);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                        @Override
                        protected void initChannel(EpollSocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new RequestRelay(vault, mark, tls, addresses));
                        }
                    })
                    .bind(listen).syncUninterruptibly().channel();
            return new Running((InetSocketAddress) server.localAddress(), server, group, addresses);
        } catch (RuntimeException e) {
            addresses.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("the credential vault's proxy cannot listen on " + listen + ": "
                    + e.getMessage(), e);
        }
    }
}
