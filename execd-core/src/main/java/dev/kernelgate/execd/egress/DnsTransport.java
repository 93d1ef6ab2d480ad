package dev.kernelgate.execd.egress;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The DNS proxy's sockets. On Linux (native epoll) the proxy's own queries to the upstream nameserver carry the
 * firewall mark {@link #UPSTREAM_MARK}: in {@code dns+nft} mode the rule that lets DNS reach the upstream matches
 * that mark, so only the proxy can ask it, never code in the sandbox that shares the network namespace (it holds
 * no NET_ADMIN and cannot set a mark). Elsewhere the plain NIO sockets carry no mark.
 */
record DnsTransport(boolean marked) {
    /** The mark of the proxy's upstream sockets ("kg"). */
    static final int UPSTREAM_MARK = 0x6b67;
    /** setsockopt(SOL_SOCKET, SO_MARK): Linux's numbers (asm-generic/socket.h), needs CAP_NET_ADMIN. */
    private static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);

    /** Epoll with the mark where the platform has it. */
    static DnsTransport forThisPlatform() {
        return new DnsTransport(Epoll.isAvailable());
    }

    EventLoopGroup group(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name),
                marked ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    Class<? extends DatagramChannel> datagram() {
        return marked ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    Class<? extends SocketChannel> socket() {
        return marked ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    Class<? extends ServerSocketChannel> server() {
        return marked ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** A bootstrap of a socket that talks to the upstream nameserver. */
    <B extends AbstractBootstrap<B, ?>> B upstream(B bootstrap) {
        return marked ? bootstrap.option(SO_MARK, UPSTREAM_MARK) : bootstrap;
    }
}
