package dev.kernelgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The whole pipeline (after TLS and the HTTP codec) of a connection over its client's limit: it is answered 503
 * with {@code Retry-After} as soon as it is up, without waiting for its request, and ends. Accepting and answering
 * costs a moment of a socket, but the client sees why (a status and a sentence) instead of a reset or a
 * connection that never gets accepted, which clients report as a network failure or a timeout.
 */
final class ConnectionRefusal extends ChannelInboundHandlerAdapter {

    static final String RETRY_AFTER_SECONDS = "5";

    private final ServerContext server;
    private final String client;

    ConnectionRefusal(ServerContext server, String client) {
        this.server = server;
        this.client = client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        int max = server.config().limits().maxPerClient();
        HttpError error = new HttpError(503, "Too many connections from " + client + ": at most " + max
                + " may be open at once per client address. Close some, or retry later")
                .withHeader("Retry-After", RETRY_AFTER_SECONDS);
        ConnectionGuardReplies.answerAndHangUp(ctx, server, error);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // the request, if one comes, is not served
    }
}
