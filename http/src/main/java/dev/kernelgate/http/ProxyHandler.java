package dev.kernelgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port proxy on one client connection, between the HTTP codec and {@link HttpConnectionHandler}. Requests
 * under a proxy template never reach the route table as such: after the face's token check (and origin check)
 * they are either forwarded by a {@link ProxyExchange} to {@code 127.0.0.1:{port}} or where the proxy's
 * {@link ProxyResolver} says (looked up while the request waits, its body held), streaming both ways, or, for the
 * server's own ports, rewritten (prefix stripped) and handed down to the route table in this same connection.
 * Everything else passes through untouched.
 *
 * <p>Order on the connection is kept: a proxied request waits until every response the route table owes has
 * been written (seen on the way out), and while a proxied exchange runs later requests wait here, reads paused.
 * A WebSocket handshake forwarded to a target turns the connection into a byte tunnel; one accepted by the
 * kit's own WebSocket routes makes this handler transparent. Event-loop confined.
 */
final class ProxyHandler extends ChannelDuplexHandler implements ProxyExchange.Owner {

    private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);
    /** How long a connection that is to close keeps reading a request body its answer did not need. */
    private static final long BODY_LINGER_SECONDS = 10;

    /** What the next inbound {@link HttpContent} belongs to. */
    private enum Inbound { HEAD, PASS, PROXY, DISCARD }

    private final ServerContext server;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Inbound inbound = Inbound.HEAD;
    /** Requests handed to the route table whose responses have not been written yet. */
    private int downstreamPending;
    /** The kit upgraded this connection to one of its own WebSockets: nothing more to do here. */
    private boolean transparent;
    /** The request whose target the proxy's resolver is looking up (its body chunks wait in {@link #held}). */
    private Request resolving;
    /** The forwarded exchange whose response is not complete yet. */
    private ProxyExchange current;
    /** The forwarded exchange the client's body chunks go to (it may have answered already). */
    private ProxyExchange bodyTarget;
    /** A forwarded WebSocket: this connection is a byte tunnel now. */
    private ProxyExchange tunnel;
    /** One of the proxy's own answers (error) is being written. */
    private boolean replying;
    private boolean pausedReads;
    /** Set when an answer that ends the connection went out while the request body was still arriving. */
    private ScheduledFuture<?> lingerLimit;
    private boolean draining;
    private boolean drainAgain;

    ProxyHandler(ServerContext server) {
        this.server = server;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    // ---- inbound ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel != null) {
            tunnel.clientBytes(msg);
            return;
        }
        if (transparent && held.isEmpty()) {
            ctx.fireChannelRead(msg);
            return;
        }
        held.add(msg);
        drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (tunnel != null) {
            tunnel.clientReadComplete();
            return;
        }
        ctx.fireChannelReadComplete();
    }

    /** Processes held messages in order until one has to wait; pauses or resumes reading accordingly. */
    @Override
    public void drain() {
        if (draining) {
            drainAgain = true;
            return;
        }
        draining = true;
        try {
            do {
                drainAgain = false;
                while (!held.isEmpty() && tunnel == null) {
                    Object next = held.peek();
                    if (!transparent && !canProcess(next)) {
                        break;
                    }
                    held.poll();
                    if (transparent) {
                        ctx.fireChannelRead(next);
                    } else {
                        process(next);
                    }
                }
                if (bodyTarget != null) {
                    bodyTarget.flushUpstream();
                }
            } while (drainAgain);
        } finally {
            draining = false;
        }
        if (tunnel != null || !ctx.channel().isActive()) {
            return;
        }
        boolean wait = !held.isEmpty() || (inbound == Inbound.PROXY && bodyTarget != null && !bodyTarget.canTakeBody());
        if (wait) {
            pausedReads = true;
            if (ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(false);
            }
        } else if (pausedReads) {
            pausedReads = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private boolean busy() {
        return current != null || replying || resolving != null;
    }

    private boolean canProcess(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (busy()) {
                return false;
            }
            if (!request.decoderResult().isFailure() && server.routes().matchProxy(request.uri()) != null) {
                return downstreamPending == 0; // answer in order: the route table's responses first
            }
            return true;
        }
        if (msg instanceof HttpContent && inbound == Inbound.PROXY) {
            return resolving == null && (bodyTarget == null || bodyTarget.canTakeBody());
        }
        return true;
    }

    private void process(Object msg) {
        if (lingerLimit != null && msg instanceof HttpRequest) {
            ReferenceCountUtil.release(msg); // a request pipelined behind one answered with "close"
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (inbound == Inbound.PROXY && bodyTarget != null) {
                bodyTarget.clientBodyCut(); // a new head where body was expected: the decoder gave up
                bodyTarget = null;
            }
            PortProxy.Target target = request.decoderResult().isFailure() ? null
                    : server.routes().matchProxy(request.uri());
            if (target == null) {
                passDown(request);
            } else {
                startProxy(request, target);
            }
            return;
        }
        if (!(msg instanceof HttpContent content)) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        switch (inbound) {
            case PASS -> ctx.fireChannelRead(content);
            case PROXY -> {
                if (bodyTarget != null) {
                    bodyTarget.clientBody(content);
                } else {
                    content.release();
                }
            }
            default -> content.release(); // DISCARD, or stray content after a complete request
        }
        if (last) {
            inbound = Inbound.HEAD;
            bodyTarget = null;
            if (lingerLimit != null) {
                lingerLimit.cancel(false);
                ctx.close();
            }
        }
    }

    private void passDown(HttpRequest request) {
        downstreamPending++;
        inbound = request instanceof LastHttpContent ? Inbound.HEAD : Inbound.PASS;
        ctx.fireChannelRead(request);
    }

    private void startProxy(HttpRequest head, PortProxy.Target target) {
        boolean complete = head instanceof LastHttpContent;
        inbound = complete ? Inbound.HEAD : Inbound.DISCARD; // until we know where the body goes
        boolean keepAlive = HttpUtil.isKeepAlive(head) && !HttpUtil.is100ContinueExpected(head);
        Request request;
        try {
            request = newRequest(head, true, target.params());
        } catch (IllegalArgumentException e) {
            reply(newRequest(head, false, Map.of()), HttpError.badRequest("Malformed request target"), keepAlive);
            return;
        }
        try {
            Response rejection = server.routes().auth().check(request);
            if (rejection != null) {
                replying = true;
                ProxyReplies.send(ctx, server, request, rejection, keepAlive)
                        .addListener(f -> replied(keepAlive && f.isSuccess()));
                return;
            }
            if (server.routes().cors() != null) {
                server.routes().cors().checkOrigin(request);
            }
        } catch (Throwable t) {
            reply(request, t, keepAlive);
            return;
        }
        int bound = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
        StringBuilder stripped = new StringBuilder();
        PortProxy.Target t = target;
        while (t.validPort() && t.proxy().isSelf(t.port(), bound)) {
            // This server: strip the prefix and let the route table answer, in this connection.
            stripped.append(t.prefix());
            PortProxy.Target inner = t.proxy().match(t.uri());
            if (inner == null) {
                ProxyHeaders.rewriteForSelf(head, t.uri(), stripped.toString(), ctx.channel().remoteAddress(),
                        server.tls());
                passDown(head);
                return;
            }
            t = inner;
        }
        if (!t.validPort()) {
            String message = t.portText().isEmpty() ? "port is required"
                    : "port is required: '" + t.portText() + "' is not a TCP port";
            reply(request, HttpError.badRequest(message), keepAlive);
            return;
        }
        ProxyResolver resolver = t.proxy().options().resolver();
        if (resolver == null) {
            forward(request, head, t, ProxyTarget.loopback(t.port()));
            return;
        }
        inbound = complete ? Inbound.HEAD : Inbound.PROXY; // the body waits in held until the target is known
        resolving = request;
        PortProxy.Target matched = t;
        CompletionStage<ProxyTarget> stage;
        try {
            stage = resolver.resolve(request, t.port());
        } catch (Throwable failure) {
            stage = CompletableFuture.failedFuture(failure);
        }
        // A look-up that never answers must not hold the request (reads paused) for ever.
        long limit = Math.max(1, t.proxy().options().connectTimeout().toMillis());
        stage.toCompletableFuture().copy().orTimeout(limit, TimeUnit.MILLISECONDS)
                .whenComplete((resolved, failure) -> ctx.executor().execute(() -> resolved(request, head, matched,
                        resolved, failure instanceof TimeoutException
                                || failure instanceof CompletionException && failure.getCause() instanceof TimeoutException
                                ? new HttpError(504, "the proxy target of port " + matched.port()
                                        + " was not found within " + limit + " ms")
                                : failure)));
    }

    /** The resolver answered (on any thread; this runs on the event loop). */
    private void resolved(Request request, HttpRequest head, PortProxy.Target t, ProxyTarget resolved,
                          Throwable failure) {
        if (resolving != request) {
            return;
        }
        resolving = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (failure != null || resolved == null) {
            // Without a body the connection stays usable; a body still coming is read and dropped, then it closes.
            boolean declaresBody = HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0;
            boolean keepAlive = HttpUtil.isKeepAlive(head) && !HttpUtil.is100ContinueExpected(head) && !declaresBody;
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            reply(request, cause != null ? cause : new HttpError(502, "no proxy target"), keepAlive);
            drain();
            return;
        }
        forward(request, head, t, resolved);
        drain();
    }

    private void forward(Request request, HttpRequest head, PortProxy.Target t, ProxyTarget resolved) {
        boolean complete = head instanceof LastHttpContent;
        ProxyExchange exchange = new ProxyExchange(this, ctx, server, request, head, t, resolved);
        current = exchange;
        bodyTarget = complete ? null : exchange;
        inbound = complete ? Inbound.HEAD : Inbound.PROXY;
        exchange.connect();
    }

    private Request newRequest(HttpRequest head, boolean parseQuery, Map<String, String> params) {
        String uri = head.uri() == null ? "/" : head.uri();
        RequestTarget target = RequestTarget.parse(uri, parseQuery);
        String rawPath = target.rawPath();
        Map<String, List<String>> query = target.query();
        HttpMethod method = head.method() == null ? HttpMethod.GET : head.method();
        HttpVersion version = head.protocolVersion() == null ? HttpVersion.HTTP_1_1 : head.protocolVersion();
        Routes routes = server.routes();
        return new Request(method, version, uri, rawPath, query, head.headers(), params, Unpooled.EMPTY_BUFFER,
                server.tls(), ctx.channel().remoteAddress(), routes.json(), routes.invalidJson(),
                server.blockingExecutor(), null);
    }

    /** Answers in the face's error format; the rest of the request body is dropped meanwhile. */
    private void reply(Request request, Throwable failure, boolean keepAlive) {
        replying = true;
        ProxyReplies.error(ctx, server, request, failure, keepAlive)
                .addListener(f -> replied(keepAlive && f.isSuccess()));
    }

    private void replied(boolean keepAlive) {
        replying = false;
        if (keepAlive) {
            drain();
        } else if (inbound == Inbound.HEAD) {
            ctx.close();
        } else {
            // The client is still sending the request body. Closing now would reset the connection under its
            // writes, and a reset can destroy the answer before the client reads it: take and drop the rest of
            // the body first (process() closes after its last chunk), but not for longer than the linger time.
            lingerLimit = ctx.executor().schedule(() -> ctx.close(), BODY_LINGER_SECONDS, TimeUnit.SECONDS);
            drain();
        }
    }

    // ---- calls from the forwarded exchange (same event loop) ----

    /** The target could not be reached or gave no usable answer; nothing was sent to the client yet. */
    @Override
    public void exchangeFailed(ProxyExchange exchange, HttpError error, boolean keepAlive) {
        if (exchange != current) {
            return;
        }
        current = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        reply(exchange.request(), error, keepAlive);
    }

    /** The exchange's response is completely written. */
    @Override
    public void exchangeDone(ProxyExchange exchange, boolean close) {
        if (exchange != current) {
            return;
        }
        current = null;
        if (close) {
            ctx.close();
        } else {
            drain();
        }
    }

    /** The target switched protocols: from now on this connection carries raw bytes both ways. */
    @Override
    public void tunnelOpened(ProxyExchange exchange) {
        tunnel = exchange;
        current = null;
        bodyTarget = null;
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        ChannelPipeline p = ctx.pipeline();
        removeIfPresent(p, HttpConnectionHandler.class);
        removeIfPresent(p, IdleStateHandler.class);
        pausedReads = false;
    }

    /** The 101 is on its way out: the HTTP codec is done with this connection. */
    @Override
    public void tunnelHeadWritten() {
        removeIfPresent(ctx.pipeline(), HttpServerCodec.class);
        ctx.channel().config().setAutoRead(true);
    }

    private static void removeIfPresent(ChannelPipeline p, Class<? extends io.netty.channel.ChannelHandler> type) {
        if (p.get(type) != null) {
            p.remove(type);
        }
    }

    // ---- outbound: watch the route table's responses end ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!transparent && tunnel == null) {
            if (msg instanceof HttpResponse response && response.status().code() == 101) {
                transparent = true; // one of the kit's WebSocket routes took the connection
                if (!held.isEmpty()) {
                    ctx.executor().execute(this::drain);
                }
            } else if (endsResponse(msg) && downstreamPending > 0 && --downstreamPending == 0 && !held.isEmpty()) {
                ctx.executor().execute(this::drain); // not from inside a write
            }
        }
        ctx.write(msg, promise);
    }

    private static boolean endsResponse(Object msg) {
        if (msg instanceof HttpChunkedInput) {
            return true;
        }
        if (!(msg instanceof LastHttpContent)) {
            return false;
        }
        return !(msg instanceof HttpResponse response)
                || response.status().codeClass() != HttpStatusClass.INFORMATIONAL;
    }

    // ---- connection events ----

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (tunnel != null) {
            tunnel.clientWritabilityChanged();
        } else if (current != null) {
            current.clientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && (busy() || tunnel != null)) {
            return; // a proxied exchange is running: the target decides how long it takes
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (tunnel != null) {
            tunnel.clientClosed();
        }
        if (current != null) {
            current.clientClosed();
        }
        if (bodyTarget != null && bodyTarget != current) {
            bodyTarget.clientClosed();
        }
        if (lingerLimit != null) {
            lingerLimit.cancel(false);
        }
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tunnel != null) {
            if (cause instanceof IOException) {
                log.debug("Tunnel client error on {}", ctx.channel(), cause);
            } else {
                log.warn("Tunnel client error on {}", ctx.channel(), cause);
            }
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
