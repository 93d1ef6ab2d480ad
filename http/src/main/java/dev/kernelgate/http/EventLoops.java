package dev.kernelgate.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Worker event loops that a server shares with other users of the same threads (a gateway's kernel sockets): made
 * here, handed to {@link HttpServer}, closed by whoever made them, after every user has stopped.
 */
public final class EventLoops implements AutoCloseable {
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5000;

    private final EventLoopGroup group;

    /** @param threads how many loops; 0 lets Netty choose (2 x cores) */
    public EventLoops(int threads, String name) {
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name),
                NioIoHandler.newFactory());
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Shuts the loops down and waits for them. */
    @Override
    public void close() {
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        group.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
    }
}
