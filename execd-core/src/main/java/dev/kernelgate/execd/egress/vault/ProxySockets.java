package dev.kernelgate.execd.egress.vault;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;

/**
 * The proxy's connections to original destinations: on the client connection's loop, carrying the firewall mark the
 * redirect rule lets pass (so they are not redirected back to the proxy).
 */
final class ProxySockets {
    /** setsockopt(SOL_SOCKET, SO_MARK): Linux's numbers, needs CAP_NET_ADMIN. */
    private static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);

    private ProxySockets() {
    }

    static Bootstrap bootstrap(EventLoop loop, int mark) {
        return new Bootstrap()
                .group(loop)
                .channel(EpollSocketChannel.class)
                .option(SO_MARK, mark)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }
}
