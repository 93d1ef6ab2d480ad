package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BodyWriter} behind a {@link Response.Stream}: chunked transfer, headers on first use.
 * Every call is queued on the event loop (even from the loop itself) so calls from several threads
 * keep their order.
 */
final class StreamingResponse implements BodyWriter {

    private static final Logger log = LoggerFactory.getLogger(StreamingResponse.class);

    private final ResponseSink exchange;
    private final Response.Stream spec;
    private final EventExecutor loop;
    /** Caller side: false once end/fail was called or the client left. */
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final List<Runnable> writableCallbacks = new CopyOnWriteArrayList<>();
    private final List<Runnable> disconnectCallbacks = new CopyOnWriteArrayList<>();
    // Event-loop side.
    private boolean done;
    private boolean headersSent;
    private boolean flushQueued;

    StreamingResponse(ResponseSink exchange, Response.Stream spec) {
        this.exchange = exchange;
        this.spec = spec;
        this.loop = exchange.ctx().executor();
    }

    void start() {
        try {
            spec.body().start(this);
        } catch (Throwable t) {
            fail(t);
        }
    }

    @Override
    public boolean write(ByteBuf chunk) {
        if (!open.get()) {
            ReferenceCountUtil.release(chunk);
            return false;
        }
        queue(() -> {
            if (done) {
                chunk.release();
                return;
            }
            sendHeaders();
            if (exchange.isHead()) {
                chunk.release();
            } else {
                exchange.ctx().write(new DefaultHttpContent(chunk));
                flushSoon();
            }
        }, chunk);
        return true;
    }

    @Override
    public boolean write(byte[] bytes) {
        return write(Unpooled.wrappedBuffer(bytes));
    }

    @Override
    public void end() {
        if (!open.getAndSet(false)) {
            return;
        }
        queue(() -> {
            if (done) {
                return;
            }
            done = true;
            sendHeaders();
            exchange.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(exchange::completed);
        }, null);
    }

    @Override
    public void fail(Throwable error) {
        if (!open.getAndSet(false)) {
            return;
        }
        queue(() -> {
            if (done) {
                return;
            }
            done = true;
            if (!headersSent) {
                exchange.sendError(error);
            } else {
                log.warn("Stream for {} failed after its headers; closing the connection", exchange.request(),
                        error);
                exchange.ctx().flush(); // the events written so far still reach the client
                exchange.abort();
            }
        }, null);
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public boolean isWritable() {
        return exchange.ctx().channel().isWritable();
    }

    @Override
    public void onWritable(Runnable callback) {
        writableCallbacks.add(callback);
    }

    @Override
    public void onDisconnect(Runnable callback) {
        disconnectCallbacks.add(callback);
    }

    @Override
    public EventExecutor executor() {
        return loop;
    }

    @Override
    public ByteBufAllocator alloc() {
        return exchange.ctx().alloc();
    }

    @Override
    public JsonCodec json() {
        return exchange.server().routes().json();
    }

    /** The channel closed (event loop). */
    void disconnected() {
        open.set(false);
        if (done) {
            return;
        }
        done = true;
        for (Runnable r : disconnectCallbacks) {
            runSafely(r);
        }
    }

    void writabilityChanged() {
        if (exchange.ctx().channel().isWritable()) {
            for (Runnable r : writableCallbacks) {
                runSafely(r);
            }
        }
    }

    private void sendHeaders() {
        if (headersSent) {
            return;
        }
        headersSent = true;
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, StatusLine.of(spec.status(), null));
        if (spec.contentType() != null) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, spec.contentType());
        }
        if (exchange.isHead()) {
            // No body follows a HEAD response, so neither a length nor chunking applies.
        } else if (exchange.request().protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            exchange.disableKeepAlive(); // HTTP/1.0 has no chunking: the body ends with the connection
        } else {
            HttpUtil.setTransferEncodingChunked(res, true);
        }
        exchange.prepareHead(res, spec.headers());
        exchange.markStarted();
        exchange.ctx().write(res);
    }

    /**
     * Flushes once the tasks already queued on the loop have run: chunks written in one burst (an event and
     * the next, the last event and the end of the body) leave in one write and reach the client in one read.
     */
    private void flushSoon() {
        if (flushQueued) {
            return;
        }
        flushQueued = true;
        queue(() -> {
            flushQueued = false;
            exchange.ctx().flush();
        }, null);
    }

    private void queue(Runnable task, ByteBuf toReleaseOnReject) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            ReferenceCountUtil.release(toReleaseOnReject);
        }
    }

    private void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("Stream callback failed for {}", exchange.request(), e);
        }
    }
}
