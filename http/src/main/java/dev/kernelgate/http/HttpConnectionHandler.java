package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection: aggregates request bodies under the route's limit (413 before reading an
 * over-long body), answers malformed requests with 400/414/431, dispatches complete requests, and keeps
 * pipelined requests in order by holding them (and pausing reads) while a response is in flight.
 * Streaming routes ({@link RouteOptions#streaming()}) are dispatched at the head instead, their body fed to a
 * {@link StreamingRequestBody} as it arrives.
 */
final class HttpConnectionHandler extends ChannelInboundHandlerAdapter implements Exchange.Owner {

    private static final Logger log = LoggerFactory.getLogger(HttpConnectionHandler.class);
    private static final int MAX_BODY_COMPONENTS = 1024;
    /** How long the unread rest of a streamed body is drained after the answer before hanging up. */
    private static final long LINGER_MILLIS = 2000;
    private static final AdaptiveRecvByteBufAllocator STREAM_READS =
            new AdaptiveRecvByteBufAllocator(2048, 64 * 1024, 1024 * 1024);

    private enum Phase { HEAD, BODY, DISCARD, STREAM }

    /** The request target split once: where routing looks and what handlers read. */
    private final ServerContext server;
    private final ArrayDeque<HttpObject> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEAD;
    private HttpRequest head;
    private RequestTarget target;
    private Resolution resolution;
    private CompositeByteBuf body;
    private long bodyLimit;
    private Exchange inFlight;
    private boolean closeWhenDone;
    private StreamingRequestBody stream;

    HttpConnectionHandler(ServerContext server) {
        this.server = server;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject object)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!held.isEmpty() || (phase == Phase.HEAD && inFlight != null)) {
            // Pipelined request while a response is pending: keep order, stop reading until it is done.
            held.add(object);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        process(object);
    }

    private void process(HttpObject object) {
        if (phase == Phase.HEAD) {
            if (object instanceof HttpRequest request) {
                onHead(request);
            }
            if (object instanceof HttpContent content) {
                if (phase == Phase.HEAD) {
                    content.release(); // stray content after an answered request
                } else {
                    onContent(content);
                }
            }
        } else if (phase == Phase.STREAM && object instanceof HttpContent content) {
            onStreamContent(content);
        } else if (object instanceof HttpContent content) {
            onContent(content);
        } else {
            ReferenceCountUtil.release(object);
            ctx.close();
        }
    }

    private void onHead(HttpRequest request) {
        head = request;
        if (request.decoderResult().isFailure()) {
            malformed(request.decoderResult().cause());
            return;
        }
        try {
            target = RequestTarget.parse(request.uri(), true);
        } catch (IllegalArgumentException e) {
            target = RequestTarget.ROOT;
            resolution = new Resolution.NotFound();
            rejectEarly(HttpError.badRequest("Malformed request target"), false);
            return;
        }
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        resolution = server.routes().resolve(request.method(), target.rawPath(), upgrade);
        boolean streaming = resolution instanceof Resolution.Found f && f.route().options().streamedBody();
        bodyLimit = streaming ? server.routes().bodyLimit(resolution, Long.MAX_VALUE)
                : Math.min(server.routes().bodyLimit(resolution, server.config().maxRequestBodyBytes()),
                        Integer.MAX_VALUE - 8);
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > bodyLimit) {
            // Said "too big" up front: answer before reading; without 100-continue the body is on its way.
            rejectEarly(HttpError.payloadTooLarge(bodyLimit), HttpUtil.is100ContinueExpected(request));
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        } else if (request.headers().contains(HttpHeaderNames.EXPECT)
                && !request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            rejectEarly(new HttpError(417, ""), true);
            return;
        }
        if (streaming) {
            startStream(declared);
            return;
        }
        body = ctx.alloc().compositeBuffer(MAX_BODY_COMPONENTS);
        phase = Phase.BODY;
    }

    private void onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (phase == Phase.DISCARD) {
            boolean failed = content.decoderResult().isFailure();
            content.release();
            if (failed) {
                // The decoder now drops all input: finish the pending answer, then hang up.
                closeWhenDone = true;
                if (inFlight == null) {
                    ctx.close();
                }
            } else if (last) {
                phase = Phase.HEAD;
                if (closeWhenDone && inFlight == null) {
                    ctx.close(); // the rest of an unread streamed body is drained: hang up as announced
                } else if (inFlight == null) {
                    resume();
                }
            }
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            releaseBody();
            malformed(content.decoderResult().cause());
            return;
        }
        ByteBuf part = content.content();
        if ((long) body.readableBytes() + part.readableBytes() > bodyLimit) {
            content.release();
            releaseBody();
            rejectEarly(HttpError.payloadTooLarge(bodyLimit), false);
            if (last) {
                phase = Phase.HEAD;
            }
            return;
        }
        if (part.isReadable()) {
            body.addComponent(true, part.retain());
        }
        content.release();
        if (last) {
            phase = Phase.HEAD;
            dispatch();
        }
    }

    /** A streaming route: dispatch now, feed the body to the handler's {@link BodySource} as it comes. */
    private void startStream(long declaredLength) {
        // Big bodies come in big reads: fewer syscalls and chunks per byte (the decoder still slices by 64 KiB).
        ctx.channel().config().setRecvByteBufAllocator(STREAM_READS);
        stream = new StreamingRequestBody(ctx.channel(), bodyLimit, declaredLength,
                server.config().idleTimeout().toNanos());
        phase = Phase.STREAM;
        dispatch(Unpooled.EMPTY_BUFFER, stream);
    }

    private void onStreamContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            stream.fail(new IOException("Malformed request body", cause));
            // The decoder now drops all input: finish the pending answer, then hang up.
            phase = Phase.DISCARD;
            closeWhenDone = true;
            if (inFlight == null) {
                ctx.close();
            }
            return;
        }
        boolean last = content instanceof LastHttpContent;
        stream.offer(content);
        if (last) {
            phase = Phase.HEAD; // the exchange is still in flight: later requests are held until it is done
        }
    }

    private void dispatch() {
        ByteBuf requestBody = body;
        body = null;
        if (!requestBody.isReadable()) {
            requestBody.release();
            requestBody = Unpooled.EMPTY_BUFFER;
        }
        dispatch(requestBody, null);
    }

    private void dispatch(ByteBuf requestBody, StreamingRequestBody streamed) {
        Request request = newRequest(requestBody, resolution, streamed);
        Exchange exchange = newExchange(request, requestBody, HttpUtil.isKeepAlive(head), resolution);
        Dispatcher.Dispatch next;
        try {
            next = server.dispatcher().dispatch(request, resolution);
        } catch (Throwable t) {
            exchange.sendError(t);
            return;
        }
        if (next instanceof Dispatcher.Respond respond) {
            exchange.send(respond.response());
        } else if (next instanceof Dispatcher.Upgrade upgrade) {
            WebSocketUpgrade.start(exchange, upgrade.handler());
        }
    }

    /** Answers before the body is read; the rest of the body is skipped so the connection stays usable. */
    private void rejectEarly(HttpError error, boolean closeAfter) {
        phase = Phase.DISCARD;
        Request request = newRequest(Unpooled.EMPTY_BUFFER, new Resolution.NotFound());
        boolean keepAlive = HttpUtil.isKeepAlive(head) && !closeAfter;
        newExchange(request, Unpooled.EMPTY_BUFFER, keepAlive, resolution).sendError(error);
    }

    private void malformed(Throwable cause) {
        int status = cause instanceof TooLongHttpLineException ? 414
                : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        log.debug("Malformed HTTP request", cause);
        // The decoder discards everything after a bad message, so this connection ends with the answer.
        phase = Phase.DISCARD;
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        if (target == null || head.decoderResult().isFailure()) {
            target = RequestTarget.ROOT;
        }
        Request request = newRequest(Unpooled.EMPTY_BUFFER, new Resolution.NotFound());
        newExchange(request, Unpooled.EMPTY_BUFFER, false, new Resolution.NotFound())
                .sendError(new HttpError(status, "Malformed HTTP request"));
    }

    private Exchange newExchange(Request request, ByteBuf requestBody, boolean keepAlive, Resolution resolved) {
        ErrorRenderer errors = server.routes().errorsFor(resolved);
        inFlight = new Exchange(ctx, server, request, requestBody, keepAlive, errors, this);
        return inFlight;
    }

    private Request newRequest(ByteBuf requestBody, Resolution resolved) {
        return newRequest(requestBody, resolved, null);
    }

    private Request newRequest(ByteBuf requestBody, Resolution resolved, StreamingRequestBody streamed) {
        HttpRequest h = head;
        Map<String, String> params = resolved instanceof Resolution.Found f ? f.params() : Map.of();
        HttpMethod method = h.method() == null ? HttpMethod.GET : h.method();
        HttpVersion version = h.protocolVersion() == null ? HttpVersion.HTTP_1_1 : h.protocolVersion();
        String uri = h.uri() == null ? "/" : h.uri();
        return new Request(method, version, uri, target.rawPath(), target.query(),
                h.headers() == null ? new DefaultHttpHeaders() : h.headers(), params, requestBody, server.tls(),
                ctx.channel().remoteAddress(), server.routes().json(), server.routes().invalidJson(),
                server.blockingExecutor(), streamed);
    }

    /** A response finished (event loop). */
    @Override
    public void exchangeDone(Exchange exchange, boolean close) {
        if (exchange != inFlight) {
            return;
        }
        inFlight = null;
        exchange.releaseBody();
        if (stream != null) {
            boolean unread = phase == Phase.STREAM;
            stream.discard(); // whatever the handler left unread is garbage now
            stream = null;
            if (unread && ctx.channel().isActive()) {
                // Answered before the body was in (the answer said "Connection: close"): drain it for a moment
                // so the client reads the answer rather than a reset, then hang up.
                phase = Phase.DISCARD;
                closeWhenDone = true;
                ctx.channel().config().setAutoRead(true);
                ctx.executor().schedule(() -> {
                    ctx.close();
                }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
        }
        if (close || closeWhenDone) {
            ctx.close();
        } else if (phase == Phase.HEAD) {
            resume();
        }
    }

    /** Processes held pipelined messages until one needs an answer first, then reads again. */
    private void resume() {
        while (!held.isEmpty() && ctx.channel().isActive() && !(phase == Phase.HEAD && inFlight != null)) {
            process(held.poll());
        }
        if (held.isEmpty() && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (stream != null) {
            stream.readComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stream != null) {
            stream.fail(new IOException("Connection closed before the request body was complete"));
        }
        if (inFlight != null) {
            inFlight.channelClosed();
        }
        releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (inFlight != null) {
            inFlight.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (inFlight == null && phase == Phase.HEAD) {
                ctx.close(); // idle keep-alive connection; busy ones (streams, slow handlers) stay
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("Connection error on {}", ctx.channel(), cause);
        } else {
            log.warn("Unexpected error on {}", ctx.channel(), cause);
        }
        ctx.close();
    }

    private void releaseAll() {
        releaseBody();
        if (stream != null) {
            stream.discard();
        }
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
