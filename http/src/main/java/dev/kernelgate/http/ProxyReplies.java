package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own answers (refused token, bad port, unreachable target), in the face's format: the failure is
 * mapped as the kit maps every failure ({@link Failures}), rendered by the face's {@link ErrorRenderer}, and
 * decorated like any other response (CORS). The connection guards' last answers (408, 503) are written here too
 * ({@link ConnectionGuardReplies}).
 */
final class ProxyReplies {

    private static final Logger log = LoggerFactory.getLogger(ProxyReplies.class);

    private ProxyReplies() {
    }

    /** The answer for {@code failure}; written from the proxy handler's context. */
    static ChannelFuture error(ChannelHandlerContext ctx, ServerContext server, Request request, Throwable failure,
                               boolean keepAlive) {
        ErrorRenderer errors = server.routes().errors();
        HttpError error = Failures.toHttpError(failure, errors, errors, request);
        Response rendered = Failures.render(errors, error, request);
        if (rendered == null) {
            return write(ctx, server, request, error.status(), null, "text/plain; charset=utf-8",
                    HttpResponseStatus.valueOf(error.status()).reasonPhrase().getBytes(StandardCharsets.UTF_8),
                    List.of(), keepAlive);
        }
        return send(ctx, server, request, rendered, keepAlive);
    }

    /** Writes a {@link Response.Full} or {@link Response.Json}; anything else is answered as a plain 500. */
    static ChannelFuture send(ChannelHandlerContext ctx, ServerContext server, Request request, Response response,
                              boolean keepAlive) {
        if (response instanceof Response.Full f) {
            return write(ctx, server, request, f.status(), f.reason(), f.contentType(), f.body(), f.headers(),
                    keepAlive);
        }
        if (response instanceof Response.Json j) {
            byte[] json;
            try {
                json = server.routes().json().write(j.value());
            } catch (RuntimeException e) {
                return error(ctx, server, request, e, keepAlive);
            }
            return write(ctx, server, request, j.status(), j.reason(), "application/json", json, j.headers(),
                    keepAlive);
        }
        log.error("Proxy answers need a full or JSON response, got {} for {}", response, request);
        return write(ctx, server, request, 500, null, "text/plain; charset=utf-8",
                "Internal Server Error".getBytes(StandardCharsets.UTF_8), List.of(), keepAlive);
    }

    private static ChannelFuture write(ChannelHandlerContext ctx, ServerContext server, Request request, int status,
                                       String reason, String contentType, byte[] bytes, List<Header> headers,
                                       boolean keepAlive) {
        boolean bodyless = status < 200 || status == 204 || status == 304;
        boolean head = "HEAD".equals(request.method());
        ByteBuf content = head || bodyless || bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, StatusLine.of(status, reason),
                content);
        if (!bodyless) {
            if (contentType != null) {
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            }
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        }
        for (Header h : headers) {
            res.headers().add(h.name(), h.value());
        }
        for (ResponseDecorator decorator : server.routes().decorators()) {
            try {
                decorator.decorate(request, res.headers());
            } catch (RuntimeException e) {
                log.warn("Response decorator failed for {}", request, e);
            }
        }
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return ctx.writeAndFlush(res);
    }
}
