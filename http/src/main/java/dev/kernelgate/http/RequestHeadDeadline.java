package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request-head deadline of one connection ({@link ConnectionLimits#headerTimeout()}): two handlers, one
 * before the HTTP codec that sees bytes arrive ({@link #bytes()}) and one after it that sees request heads come
 * out and responses go in ({@link #heads()}). Event-loop confined; the clock is a task on the channel's loop.
 *
 * <p>The clock runs while a request head is awaited, the server owes no response, and either the connection is
 * new or bytes of the next head have arrived. It starts at connect, at the first byte of a later head, or, when
 * that byte came while a response was still owed, at the end of that response. When it runs out:
 * <ul>
 *   <li>part of a head arrived: the client is mid-request and waits for an answer, so it gets 408 with
 *       {@code Connection: close} before the connection ends;</li>
 *   <li>nothing arrived on a new connection: it is closed without a word, as an idle connection is. A client may
 *       be writing its first request at that very moment, and would take a 408 for the answer to it, whereas a
 *       plain close before any answer is what RFC 9112 §9.5 tells clients to expect and retry.</li>
 * </ul>
 * A kept-alive connection waiting for its next request has no clock (the idle timeout closes it, quietly), so
 * a 408 never races a pooled client's next request. Request bodies (slow uploads), WebSockets and proxied tunnels
 * after their 101 are not subject to it.
 *
 * <p>Bytes of a next head that arrive in the same read as the end of the previous request start no clock: a
 * client that then stays silent is an idle connection for the idle timeout, and one that trickles on starts the
 * clock with its next byte.
 */
final class RequestHeadDeadline {

    private static final Logger log = LoggerFactory.getLogger(RequestHeadDeadline.class);

    private final ServerContext server;
    private final long timeoutNanos;
    private final Bytes bytes = new Bytes();
    private final Heads heads = new Heads();
    private ChannelHandlerContext headsCtx;
    private ScheduledFuture<?> clock;
    /** No request head since connect or since the end of the previous request. */
    private boolean awaitingHead = true;
    /** Bytes of the awaited head have arrived. */
    private boolean headStarted;
    /** Request heads whose responses have not ended yet. */
    private int unanswered;
    /** Upgraded (101) or timed out: nothing more to police. */
    private boolean done;
    private boolean timedOut;

    RequestHeadDeadline(ServerContext server) {
        this.server = server;
        this.timeoutNanos = server.config().limits().headerTimeout().toNanos();
    }

    /** Goes before the HTTP codec. */
    ChannelHandler bytes() {
        return bytes;
    }

    /** Goes right after the HTTP codec. */
    ChannelHandler heads() {
        return heads;
    }

    /** Upgraded: frames or tunnelled bytes from here on, which need neither handler. */
    private void retire(ChannelPipeline pipeline) {
        for (ChannelHandler handler : new ChannelHandler[] {bytes, heads}) {
            if (pipeline.context(handler) != null) {
                pipeline.remove(handler);
            }
        }
    }

    private void start(ChannelHandlerContext ctx) {
        if (clock == null && !done) {
            clock = ctx.executor().schedule(this::expired, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void stop() {
        if (clock != null) {
            clock.cancel(false);
            clock = null;
        }
    }

    private void expired() {
        clock = null;
        if (done || !awaitingHead || unanswered > 0 || headsCtx == null || !headsCtx.channel().isActive()) {
            return;
        }
        done = true;
        if (!headStarted) {
            log.debug("Closing {}: no request within {} ms of connecting", headsCtx.channel(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            headsCtx.close();
            return;
        }
        timedOut = true;
        log.debug("Answering 408 on {}: request head incomplete after {} ms", headsCtx.channel(),
                TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        String message = "The request head (request line and headers) was not complete within "
                + describe(timeoutNanos);
        ConnectionGuardReplies.answerAndHangUp(headsCtx, server, new HttpError(408, message));
    }

    private static String describe(long nanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** Before the codec: bytes arriving. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            start(ctx); // a new connection owes its first head from now on
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (timedOut) {
                ReferenceCountUtil.release(msg); // answered 408: the rest is dropped until the connection ends
                return;
            }
            if (!done && awaitingHead && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                headStarted = true;
                if (unanswered == 0) {
                    start(ctx);
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done = true;
            stop();
            ctx.fireChannelInactive();
        }
    }

    /** After the codec: request heads and ends coming out, responses going in. */
    private final class Heads extends ChannelDuplexHandler {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            headsCtx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!done) {
                if (msg instanceof HttpRequest) {
                    stop();
                    awaitingHead = false;
                    headStarted = false;
                    unanswered++;
                }
                if (msg instanceof LastHttpContent) {
                    awaitingHead = true; // the next bytes start the next head
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!done) {
                if (msg instanceof HttpResponse response && response.status().code() == 101) {
                    done = true; // WebSocket or proxied tunnel: no request heads from here on
                    stop();
                    ctx.executor().execute(() -> retire(ctx.pipeline())); // not from inside this write
                } else if (endsResponse(msg) && unanswered > 0 && --unanswered == 0 && awaitingHead && headStarted) {
                    start(ctx); // the client began its next head while this response was owed
                }
            }
            ctx.write(msg, promise);
        }

        private static boolean endsResponse(Object msg) {
            return msg instanceof LastHttpContent && !(msg instanceof HttpResponse response
                    && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
        }
    }
}
