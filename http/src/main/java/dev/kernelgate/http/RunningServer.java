package dev.kernelgate.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A started {@link HttpServer}: its bound address, and {@link #close()} to stop it. */
public final class RunningServer implements AutoCloseable {

    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5000;

    private final Channel serverChannel;
    private final ChannelGroup channels;
    private final EventLoopGroup boss;
    /** The worker loops when the server owns them, else null. */
    private final EventLoopGroup workers;
    private final AtomicBoolean closed = new AtomicBoolean();

    RunningServer(Channel serverChannel, ChannelGroup channels, EventLoopGroup boss, EventLoopGroup workers) {
        this.serverChannel = serverChannel;
        this.channels = channels;
        this.boss = boss;
        this.workers = workers;
    }

    /** The bound port (the real one when configured with 0). */
    public int port() {
        return address().getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting, closes every connection, shuts the event loops down and waits for them. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serverChannel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
        channels.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
        boss.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        boss.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
        if (workers != null) {
            workers.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            workers.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
        }
    }
}
