package dev.kernelgate.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The per-connection pipeline: [TLS] → [idle] → [head deadline: bytes] → HTTP codec → [head deadline: heads] →
 * chunked writer → [port proxy] → connection handler. A connection over its client's limit gets
 * [TLS] → HTTP codec → {@link ConnectionRefusal} instead.
 */
final class ServerChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_CHUNK_BYTES = 64 * 1024;

    private final ServerContext server;
    private final ChannelGroup channels;
    /** Null when the per-client limit is off. */
    private final ClientConnectionLimit perClient;

    ServerChannelInitializer(ServerContext server, ChannelGroup channels, ClientConnectionLimit perClient) {
        this.server = server;
        this.channels = channels;
        this.perClient = perClient;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        HttpServerConfig config = server.config();
        ChannelPipeline p = ch.pipeline();
        if (config.tls() != null) {
            p.addLast("tls", config.tls().newHandler(ch.alloc()));
        }
        InetAddress client = ch.remoteAddress() == null ? null : ch.remoteAddress().getAddress();
        if (perClient != null && client != null) {
            if (!perClient.admit(client)) {
                p.addLast("http", newCodec(config));
                p.addLast("refusal", new ConnectionRefusal(server, client.getHostAddress()));
                return;
            }
            ch.closeFuture().addListener(f -> perClient.release(client));
        }
        RequestHeadDeadline deadline = config.limits().headerDeadline() ? new RequestHeadDeadline(server) : null;
        long idleMillis = config.idleTimeout().toMillis();
        if (idleMillis > 0) {
            p.addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        if (deadline != null) {
            p.addLast("head-bytes", deadline.bytes());
        }
        p.addLast("http", newCodec(config));
        if (deadline != null) {
            p.addLast("head-deadline", deadline.heads());
        }
        p.addLast("chunked", new ChunkedWriteHandler());
        if (server.routes().hasProxy()) {
            p.addLast("proxy", new ProxyHandler(server)); // takes <template>/... before the route table
        }
        p.addLast("exchange", new HttpConnectionHandler(server));
    }

    private static HttpServerCodec newCodec(HttpServerConfig config) {
        return new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineBytes())
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK_BYTES));
    }
}
