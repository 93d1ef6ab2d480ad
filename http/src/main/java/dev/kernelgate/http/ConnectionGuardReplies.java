package dev.kernelgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The last answer of a connection the server gives up on before any request of it was routed (408 for a request
 * head that did not arrive in time, 503 for a client over its connection limit): in the face's error format, with
 * {@code Connection: close}, and then the connection ends.
 *
 * <p>Closing right after the write would reset a connection whose client is still sending, and a reset can
 * destroy the answer before the client reads it. So the server half-closes (plain TCP), drops whatever still
 * arrives, and closes when the client does or after {@link #LINGER_MILLIS} at the latest.
 */
final class ConnectionGuardReplies {

    static final long LINGER_MILLIS = 2000;

    private ConnectionGuardReplies() {
    }

    /** Writes {@code error} from {@code ctx} (which must lie above an HTTP encoder), then hangs up. */
    static void answerAndHangUp(ChannelHandlerContext ctx, ServerContext server, HttpError error) {
        Routes routes = server.routes();
        // No request was read (or none completely): answer as for a bare "GET /", which no face's format looks at.
        Request request = new Request(HttpMethod.GET, HttpVersion.HTTP_1_1, "/", "/", Map.of(),
                new DefaultHttpHeaders(), Map.of(), Unpooled.EMPTY_BUFFER, server.tls(), ctx.channel().remoteAddress(),
                routes.json(), routes.invalidJson(), server.blockingExecutor(), null);
        Channel channel = ctx.channel();
        ProxyReplies.error(ctx, server, request, error, false).addListener(f -> hangUp(channel, server.tls()));
    }

    private static void hangUp(Channel channel, boolean tls) {
        if (!channel.isActive()) {
            return;
        }
        if (!tls && channel instanceof SocketChannel socket) {
            socket.shutdownOutput(); // the client reads the answer, then end of stream
        }
        ScheduledFuture<?> limit = channel.eventLoop().schedule(() -> {
            channel.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> limit.cancel(false));
    }
}
