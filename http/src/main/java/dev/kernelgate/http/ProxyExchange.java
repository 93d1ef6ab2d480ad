package dev.kernelgate.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request forwarded to its {@link ProxyTarget} over its own upstream connection, registered on the client
 * connection's event loop (no thread of its own, no locking: both channels live on the same loop). The request
 * head goes out once connected, body chunks as they arrive; the response head and chunks go back as they come.
 * Backpressure both ways by autoRead: the client is not read while the target's socket is full
 * ({@link Owner#drain}), the target is not read while the client's is. A WebSocket handshake answered
 * with 101 turns both connections into a byte tunnel. Event-loop confined.
 */
final class ProxyExchange {

    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);
    private static final int MAX_CHUNK_BYTES = 64 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_INITIAL_LINE_BYTES = 16 * 1024;

    /** The client connection's side of the exchange (its proxy handler), called on the same event loop. */
    interface Owner {
        /** Forwards the client's held body chunks, if the target can take them. */
        void drain();

        /** The target could not be reached or gave no usable answer; nothing was sent to the client yet. */
        void exchangeFailed(ProxyExchange exchange, HttpError error, boolean keepAlive);

        /** The exchange's response is completely written. */
        void exchangeDone(ProxyExchange exchange, boolean close);

        /** The target switched protocols: from now on the connection carries raw bytes both ways. */
        void tunnelOpened(ProxyExchange exchange);

        /** The 101 is on its way out: the HTTP codec is done with the connection. */
        void tunnelHeadWritten();
    }

    private final Owner owner;
    private final ChannelHandlerContext client;
    private final ServerContext server;
    private final Request request;
    private final HttpRequest clientHead;
    private final PortProxy.Target target;
    private final ProxyTarget destination;
    private final boolean keepAlive;
    private final boolean expectContinue;
    private final boolean webSocket;
    private final boolean declaresBody;
    private Channel upstream;
    private boolean connected;
    /** The target is gone or unusable: body chunks are dropped. */
    private boolean failed;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean closeAfter;
    private boolean skippingInformational;
    private boolean finished;
    private boolean needFlush;
    // Tunnel state.
    private boolean tunnel;
    private boolean upstreamRaw;
    private final ArrayDeque<ByteBuf> toUpstream = new ArrayDeque<>();

    ProxyExchange(Owner owner, ChannelHandlerContext client, ServerContext server, Request request,
                  HttpRequest clientHead, PortProxy.Target target, ProxyTarget destination) {
        this.owner = owner;
        this.client = client;
        this.server = server;
        this.request = request;
        this.clientHead = clientHead;
        this.target = target;
        this.destination = destination;
        this.keepAlive = HttpUtil.isKeepAlive(clientHead);
        this.expectContinue = HttpUtil.is100ContinueExpected(clientHead);
        this.webSocket = ProxyHeaders.isWebSocketUpgrade(clientHead);
        this.declaresBody = HttpUtil.isTransferEncodingChunked(clientHead)
                || HttpUtil.getContentLength(clientHead, 0L) > 0;
        this.requestComplete = clientHead instanceof LastHttpContent;
    }

    Request request() {
        return request;
    }

    private String address() {
        return destination.name();
    }

    private String failurePrefix() {
        return target.proxy().options().failurePrefix();
    }

    // ---- connecting ----

    void connect() {
        long timeout = target.proxy().options().connectTimeout().toMillis();
        Bootstrap bootstrap = new Bootstrap()
                .group(client.channel().eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout)
                .option(ChannelOption.ALLOCATOR, client.alloc())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (destination.tls() != null) {
                            // Requests written before the handshake is done wait in the handler.
                            ch.pipeline().addLast("tls", destination.tls().newHandler(ch.alloc(),
                                    destination.address().getHostString(), destination.address().getPort()));
                        }
                        ch.pipeline().addLast("http", new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
                                .setMaxHeaderSize(MAX_HEADER_BYTES)
                                .setMaxChunkSize(MAX_CHUNK_BYTES), false, false));
                        ch.pipeline().addLast("relay", new Upstream());
                    }
                });
        ChannelFuture connecting = bootstrap.connect(destination.address());
        upstream = connecting.channel();
        connecting.addListener(this::connected);
    }

    private void connected(io.netty.util.concurrent.Future<? super Void> future) {
        if (finished) {
            upstream.close();
            return;
        }
        if (!future.isSuccess()) {
            failed = true;
            Throwable cause = future.cause();
            String message = cause instanceof ConnectTimeoutException
                    ? failurePrefix() + address() + " did not accept a connection within "
                            + target.proxy().options().connectTimeout().toMillis() + " ms"
                    : failurePrefix() + "nothing answers on " + address();
            log.debug("Proxy {} → {} failed: {}", request, address(), cause.toString());
            owner.exchangeFailed(this, badGateway(message), keepAlive && !bodyPending());
            return;
        }
        connected = true;
        HttpRequest out = ProxyHeaders.upstreamRequest(clientHead, destination.uri(target.path(), target.rawQuery()),
                destination, target.proxy().options(), client.channel().remoteAddress(), server.tls());
        upstream.writeAndFlush(out);
        if (expectContinue && !requestComplete) {
            client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        owner.drain(); // the body chunks held while connecting
    }

    private static HttpError badGateway(String message) {
        return new HttpError(502, message);
    }

    private boolean bodyPending() {
        return declaresBody && !requestComplete;
    }

    // ---- request body (client → target) ----

    /** Whether a body chunk can be taken now: connected and the target's socket not full (or dropping anyway). */
    boolean canTakeBody() {
        return failed || finished || (connected && upstream.isWritable());
    }

    /** Takes ownership of {@code content}. */
    void clientBody(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            // The decoder drops everything after a malformed chunk: nothing more can be relayed.
            content.release();
            abort();
            return;
        }
        if (content instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (failed || finished || !upstream.isActive()) {
            content.release();
            return;
        }
        if (requestComplete) {
            needFlush = false;
            upstream.writeAndFlush(content);
        } else {
            upstream.write(content);
            needFlush = true; // flushed when the batch of held chunks is through (Owner#drain)
        }
    }

    void flushUpstream() {
        if (needFlush) {
            needFlush = false;
            upstream.flush();
        }
    }

    /** A new request started where more body was expected (a malformed message). */
    void clientBodyCut() {
        abort();
    }

    // ---- response (target → client) ----

    private void onResponseHead(HttpResponse response) {
        if (response.decoderResult().isFailure()) {
            log.debug("Proxy {}: malformed response from {}", request, address(), response.decoderResult().cause());
            upstreamBroken("502 Bad Gateway: malformed response from " + address());
            return;
        }
        int code = response.status().code();
        if (code == 101 && webSocket) {
            startTunnel(response);
            return;
        }
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            skippingInformational = true; // 100/103 answered or irrelevant here; the final answer follows
            return;
        }
        responseStarted = true;
        boolean bodyless = HttpMethod.HEAD.equals(clientHead.method()) || code == 204 || code == 304;
        HttpVersion version = clientHead.protocolVersion();
        boolean closeDelimited = !bodyless && !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                && version.equals(HttpVersion.HTTP_1_0);
        closeAfter = !keepAlive || closeDelimited || bodyPending();
        client.write(ProxyHeaders.clientResponse(response, version, bodyless, closeDelimited, closeAfter));
    }

    private void onResponseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            upstreamBroken("502 Bad Gateway: malformed response body from " + address());
            return;
        }
        if (skippingInformational || !responseStarted || finished) {
            content.release();
            if (last) {
                skippingInformational = false;
            }
            return;
        }
        if (!last) {
            client.write(content);
            if (!client.channel().isWritable()) {
                upstream.config().setAutoRead(false); // resumed by clientWritabilityChanged
            }
            return;
        }
        responseComplete = true;
        client.writeAndFlush(content).addListener(f -> finish(f.isSuccess()));
    }

    private void finish(boolean delivered) {
        if (finished) {
            return;
        }
        finished = true;
        upstream.close(); // no pooling: one upstream connection per proxied request
        owner.exchangeDone(this, closeAfter || !delivered);
    }

    /** The target closed or answered garbage. */
    private void upstreamBroken(String message) {
        failed = true;
        upstream.close();
        if (finished || responseComplete) {
            return;
        }
        if (!responseStarted) {
            owner.exchangeFailed(this, badGateway(message), keepAlive && !bodyPending());
        } else {
            // The status line is gone: a truncated body is the only honest signal left.
            finished = true;
            client.close();
        }
    }

    void clientWritabilityChanged() {
        if ((!finished || tunnel) && upstream != null && client.channel().isWritable()) {
            upstream.config().setAutoRead(true);
        }
    }

    /** The client went away: so does the target connection. */
    void clientClosed() {
        finished = true;
        failed = true;
        releaseToUpstream();
        if (upstream != null) {
            upstream.close();
        }
    }

    private void abort() {
        failed = true;
        finished = true;
        if (upstream != null) {
            upstream.close();
        }
        client.close();
    }

    // ---- WebSocket tunnel ----

    private void startTunnel(HttpResponse response) {
        tunnel = true;
        responseStarted = true;
        finished = true; // as an HTTP exchange
        DefaultFullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                Unpooled.EMPTY_BUFFER, ProxyHeaders.switchingProtocols(response), new DefaultHttpHeaders());
        owner.tunnelOpened(this);
        client.writeAndFlush(out).addListener(f -> {
            if (f.isSuccess()) {
                owner.tunnelHeadWritten();
            } else {
                client.close();
                upstream.close();
            }
        });
        // The target's codec switches to raw bytes after the 101; take it out once this read is over.
        upstream.eventLoop().execute(() -> {
            if (upstream.pipeline().get(HttpClientCodec.class) != null) {
                upstream.pipeline().remove(HttpClientCodec.class);
            }
            upstreamRaw = true;
            ByteBuf pending;
            while ((pending = toUpstream.poll()) != null) {
                upstream.write(pending);
            }
            upstream.flush();
        });
    }

    /** A message from the client on a tunnel; takes ownership. */
    void clientBytes(Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg); // decoded before the codec left; a conforming client sends nothing yet
            return;
        }
        if (!upstream.isActive()) {
            bytes.release();
            return;
        }
        if (!upstreamRaw) {
            toUpstream.add(bytes);
            return;
        }
        upstream.write(bytes);
        needFlush = true;
        if (!upstream.isWritable()) {
            client.channel().config().setAutoRead(false);
        }
    }

    void clientReadComplete() {
        flushUpstream();
    }

    private void upstreamWritabilityChanged() {
        if (!upstream.isWritable()) {
            return;
        }
        if (tunnel) {
            if (client.channel().isActive()) {
                client.channel().config().setAutoRead(true);
            }
        } else {
            owner.drain();
        }
    }

    private void releaseToUpstream() {
        ByteBuf b;
        while ((b = toUpstream.poll()) != null) {
            b.release();
        }
    }

    /** The pipeline end of the upstream connection. */
    private final class Upstream extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (tunnel) {
                if (msg instanceof ByteBuf bytes) {
                    relayToClient(bytes);
                } else if (msg instanceof HttpContent content && content.content().isReadable()) {
                    relayToClient(content.content().retain());
                    content.release();
                } else {
                    ReferenceCountUtil.release(msg);
                }
                return;
            }
            if (msg instanceof HttpResponse response) {
                onResponseHead(response);
                if (tunnel) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
            }
            if (msg instanceof HttpContent content) {
                onResponseContent(content);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private void relayToClient(ByteBuf bytes) {
            if (!client.channel().isActive()) {
                bytes.release();
                return;
            }
            client.write(bytes);
            if (!client.channel().isWritable()) {
                upstream.config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!finished || tunnel) {
                client.flush();
                if (!client.channel().isWritable()) {
                    upstream.config().setAutoRead(false); // resumed by clientWritabilityChanged
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            upstreamWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            releaseToUpstream();
            if (tunnel) {
                if (client.channel().isActive()) {
                    client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
                return;
            }
            if (!connected || finished || responseComplete) {
                return;
            }
            upstreamBroken(failurePrefix() + address() + " closed the connection without "
                    + (responseStarted ? "finishing its answer" : "answering"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                log.debug("Proxy {}: connection to {} failed", request, address(), cause);
            } else {
                log.warn("Proxy {}: connection to {} failed", request, address(), cause);
            }
            ctx.close();
        }
    }
}
