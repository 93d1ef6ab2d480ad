package dev.kernelgate.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * An embeddable Netty HTTP/1.1 + WebSocket server for one face: {@code new HttpServer(config, routes,
 * executor).start()}. NIO transport (portable; the kit does not need epoll's extras). Event loops never
 * block; handlers put blocking work on {@code blockingExecutor} (see {@link Request#offload}).
 */
public final class HttpServer {

    private final HttpServerConfig config;
    private final Routes routes;
    private final Executor blockingExecutor;
    private final EventLoops sharedWorkers;

    /**
     * @param blockingExecutor a bounded executor for blocking handler work; the server does not own it
     *                         (the caller shuts it down)
     */
    public HttpServer(HttpServerConfig config, Routes routes, Executor blockingExecutor) {
        this(config, routes, blockingExecutor, null);
    }

    /**
     * @param sharedWorkers the worker loops to serve connections on, shared with other work and not owned (the
     *                      caller closes them after the server); null for loops of the server's own
     *                      ({@link HttpServerConfig#ioThreads()})
     */
    public HttpServer(HttpServerConfig config, Routes routes, Executor blockingExecutor, EventLoops sharedWorkers) {
        this.config = Objects.requireNonNull(config, "config");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.blockingExecutor = Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        this.sharedWorkers = sharedWorkers;
    }

    private ClientConnectionLimit perClientLimit() {
        ConnectionLimits limits = config.limits();
        return limits.perClientLimit() ? new ClientConnectionLimit(limits.maxPerClient(), System::nanoTime) : null;
    }

    /** Binds and starts serving. Throws {@link UncheckedIOException} when the address cannot be bound. */
    public RunningServer start() {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("kernelgate-http-accept"),
                NioIoHandler.newFactory());
        EventLoopGroup workers = sharedWorkers != null ? sharedWorkers.group()
                : new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("kernelgate-http-io"),
                        NioIoHandler.newFactory());
        boolean ownsWorkers = sharedWorkers == null;
        ChannelGroup channels = new DefaultChannelGroup("kernelgate-http", ImmediateEventExecutor.INSTANCE);
        ServerContext context = new ServerContext(config, routes, new Dispatcher(routes), blockingExecutor);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ServerChannelInitializer(context, channels, perClientLimit()));
        ChannelFuture bind = bootstrap.bind(new InetSocketAddress(config.host(), config.port())).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (ownsWorkers) {
                workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            BindException cause = new BindException("cannot bind " + config.host() + ":" + config.port() + ": "
                    + bind.cause().getMessage());
            cause.initCause(bind.cause());
            throw new UncheckedIOException(cause);
        }
        Channel serverChannel = bind.channel();
        channels.add(serverChannel);
        return new RunningServer(serverChannel, channels, boss, ownsWorkers ? workers : null);
    }
}
