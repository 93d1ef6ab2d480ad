package dev.kernelgate.gateway.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** The per-connection pipeline: [TLS] → [idle] → HTTP codec → chunked writer → [port proxy] → connection handler. */
final class ServerChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_CHUNK_BYTES = 64 * 1024;

    private final ServerContext server;
    private final ChannelGroup channels;

    ServerChannelInitializer(ServerContext server, ChannelGroup channels) {
        this.server = server;
        this.channels = channels;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        HttpServerConfig config = server.config();
        ChannelPipeline p = ch.pipeline();
        if (config.tls() != null) {
            p.addLast("tls", config.tls().newHandler(ch.alloc()));
        }
        long idleMillis = config.idleTimeout().toMillis();
        if (idleMillis > 0) {
            p.addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineBytes())
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK_BYTES)));
        p.addLast("chunked", new ChunkedWriteHandler());
        if (server.routes().proxy() != null) {
            p.addLast("proxy", new ProxyHandler(server)); // takes <prefix>/{port}/... before the route table
        }
        p.addLast("exchange", new HttpConnectionHandler(server));
    }
}
