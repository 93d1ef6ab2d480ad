package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request/response on a connection. Writes whatever {@link Response} the handler gave, from any
 * thread (everything hops to the event loop), renders failures through the face's {@link ErrorRenderer},
 * and tells the connection when the response is fully written.
 */
final class Exchange implements ResponseSink {

    /** The connection an exchange belongs to: told when its response is completely written. */
    interface Owner {
        void exchangeDone(Exchange exchange, boolean close);
    }

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final ChannelHandlerContext ctx;
    private final ServerContext server;
    private final Request request;
    private final ByteBuf body;
    private final Owner owner;
    private final ErrorRenderer errors;
    private final boolean head;
    private boolean keepAlive;
    // Event-loop-confined state.
    private boolean started;
    private boolean finished;
    private boolean closed;
    private boolean renderingError;
    private StreamingResponse stream;

    Exchange(ChannelHandlerContext ctx, ServerContext server, Request request, ByteBuf body, boolean keepAlive,
             ErrorRenderer errors, Owner owner) {
        this.ctx = ctx;
        this.server = server;
        this.request = request;
        this.body = body;
        this.keepAlive = keepAlive;
        this.owner = owner;
        this.errors = errors;
        this.head = "HEAD".equals(request.method());
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public ChannelHandlerContext ctx() {
        return ctx;
    }

    @Override
    public ServerContext server() {
        return server;
    }

    @Override
    public boolean isHead() {
        return head;
    }

    @Override
    public boolean isTls() {
        return server.tls();
    }

    /** Writes {@code response}; callable from any thread. */
    void send(Response response) {
        onLoop(() -> sendNow(response));
    }

    /** Renders {@code failure} in the face's format; callable from any thread. */
    @Override
    public void sendError(Throwable failure) {
        onLoop(() -> sendErrorNow(failure));
    }

    private void sendNow(Response response) {
        if (finished || closed) {
            return;
        }
        try {
            if (response instanceof Response.Deferred d) {
                d.stage().whenComplete((value, failure) -> onLoop(() -> {
                    if (failure != null) {
                        sendErrorNow(failure);
                    } else if (value == null) {
                        sendErrorNow(new IllegalStateException("deferred response completed with null"));
                    } else {
                        sendNow(value);
                    }
                }));
            } else if (response instanceof Response.Full f) {
                writeFull(f.status(), f.reason(), f.contentType(), f.body(), f.headers());
            } else if (response instanceof Response.Json j) {
                byte[] json = server.routes().json().write(j.value());
                writeFull(j.status(), j.reason(), "application/json", json, j.headers());
            } else if (response instanceof Response.File f) {
                FileSender.send(this, f);
            } else if (response instanceof Response.Stream s) {
                stream = new StreamingResponse(this, s);
                stream.start();
            }
        } catch (Throwable t) {
            sendErrorNow(t);
        }
    }

    private void sendErrorNow(Throwable failure) {
        if (finished) {
            return;
        }
        HttpError error = Failures.toHttpError(failure, errors, server.routes().errors(), request);
        if (closed) {
            return;
        }
        if (started) {
            // The status line is gone; a truncated body is the only honest signal left.
            abort();
            return;
        }
        if (renderingError) {
            writePlainError(500);
            return;
        }
        renderingError = true;
        Response rendered = Failures.render(errors, error, request);
        if (rendered == null) {
            writePlainError(error.status());
            return;
        }
        sendNow(rendered);
    }

    private void writePlainError(int status) {
        writeFull(status, null, "text/plain; charset=utf-8",
                HttpResponseStatus.valueOf(status).reasonPhrase().getBytes(StandardCharsets.UTF_8), List.of());
    }

    private void writeFull(int status, String reason, String contentType, byte[] bytes, List<Header> headers) {
        boolean bodyless = status < 200 || status == 204 || status == 304;
        ByteBuf content = head || bodyless || bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, StatusLine.of(status, reason), content);
        if (!bodyless) {
            if (contentType != null) {
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            }
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        }
        prepareHead(res, headers);
        started = true;
        ctx.writeAndFlush(res).addListener(this::completed);
    }

    /** Adds the response's own headers, the face's decorators (CORS) and connection management. */
    @Override
    public void prepareHead(HttpResponse res, List<Header> headers) {
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
        if (request.bodyPending()) {
            keepAlive = false; // the unread rest of a streamed body is dropped, then the connection closed
        }
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** The head is about to be written: from now on failures can only abort. */
    @Override
    public void markStarted() {
        started = true;
    }

    /** Bodies without a length (streams to HTTP/1.0 clients) end with the connection. */
    @Override
    public void disableKeepAlive() {
        keepAlive = false;
    }

    /** Listener for the last write of a response. */
    @Override
    public void completed(Future<?> future) {
        if (finished) {
            return;
        }
        finished = true;
        if (!future.isSuccess()) {
            log.debug("Response to {} not delivered", request, future.cause());
        }
        owner.exchangeDone(this, !keepAlive || !future.isSuccess());
    }

    @Override
    public void abort() {
        finished = true;
        ctx.channel().close();
    }

    /** The WebSocket took over the channel: nothing more to write here. */
    void handOver() {
        finished = true;
    }

    void channelClosed() {
        closed = true;
        if (stream != null) {
            stream.disconnected();
        }
    }

    void writabilityChanged() {
        if (stream != null) {
            stream.writabilityChanged();
        }
    }

    void releaseBody() {
        if (body.refCnt() > 0) {
            body.release();
        }
    }

    void onLoop(Runnable task) {
        EventExecutor loop = ctx.executor();
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("Event loop gone; dropping a response to {}", request);
        }
    }
}
