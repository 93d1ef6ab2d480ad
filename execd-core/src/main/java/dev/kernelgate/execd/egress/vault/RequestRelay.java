package dev.kernelgate.execd.egress.vault;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLParameters;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One redirected connection of the sandbox: connects to its original destination, then relays requests (headers
 * injected when exactly one binding matches; unchanged when none does; 403 when several do, as upstream) and streams
 * the responses back with secret values redacted from their headers. Reads pause while the other side cannot take
 * more. Runs on the proxy's event loop only.
 */
final class RequestRelay extends ChannelInboundHandlerAdapter implements TlsInterception.Decision {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRelay.class);

    private final Supplier<ActiveVault> vault;
    private final int mark;
    private final Tls tls;
    private final HostAddresses addresses;
    /** The TLS server name of a terminated connection, else null. */
    private String tlsHost;
    /** Whether the original destination is an address of this network namespace (no secret goes there). */
    private boolean destinationLocal;
    /** What DNS said of each host a plain-HTTP request on this connection named, as bindings matched it. */
    private final Map<String, HostAddresses.Answer> hostAnswers = new HashMap<>();
    /** A request waits for its host's addresses: what follows it waits in {@link #early}, reads are paused. */
    private boolean waitingForDns;
    /** {@code https} once TLS from the sandbox is terminated here. */
    private String scheme = "http";
    private Channel client;
    private Channel upstream;
    private InetSocketAddress destination;
    /** The vault each forwarded request was sent under, oldest first: its response's headers are redacted with it. */
    private final Deque<ActiveVault> inFlight = new ArrayDeque<>();
    private boolean discarding;
    /** What the client sent before the destination answered (TLS: a request right behind the handshake). */
    private final Deque<Object> early = new ArrayDeque<>();
    private ChannelHandlerContext self;

    /**
     * TLS interception: the CA that issues the sandbox-facing certificates, the client context that verifies the
     * destinations, and the ports whose connections are TLS.
     */
    record Tls(MitmAuthority authority, SslContext client, java.util.Set<Integer> ports) {
    }

    /**
     * @param tls       null: plain HTTP only
     * @param addresses where a bound host's addresses are asked (a plain-HTTP secret goes only to one of them)
     */
    RequestRelay(Supplier<ActiveVault> vault, int mark, Tls tls, HostAddresses addresses) {
        this.vault = vault;
        this.mark = mark;
        this.tls = tls;
        this.addresses = addresses;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        self = ctx;
        client = ctx.channel();
        Optional<InetSocketAddress> original = OriginalDestination.of(((EpollSocketChannel) client).fd().intValue());
        if (original.isEmpty() || original.get().equals(client.localAddress())) {
            client.close();     // not redirected: nothing to relay to
            return;
        }
        destination = original.get();
        destinationLocal = InjectionGuard.local(destination.getAddress());
        if (tls != null && tls.ports().contains(destination.getPort())) {
            ctx.pipeline().addFirst(new TlsInterception(vault, tls.authority(), this, destination.getPort()));
            client.read();      // the ClientHello
            return;
        }
        connect(null);
    }

    /**
     * Opens the connection to the original destination, over TLS to {@code tlsHost} (verified against it) when the
     * sandbox's TLS was terminated here, and starts reading requests once it is up.
     */
    @Override
    public void intercept(String tlsHost) {
        connect(tlsHost);
    }

    private void connect(String tlsHost) {
        if (tlsHost != null) {
            scheme = "https";
            this.tlsHost = tlsHost;
        }
        ProxySockets.bootstrap(client.eventLoop(), mark)
                .handler(new ChannelInitializer<EpollSocketChannel>() {
                    @Override
                    protected void initChannel(EpollSocketChannel ch) {
                        if (tlsHost != null) {
                            SslHandler handler = tls.client().newHandler(ch.alloc(), tlsHost, destination.getPort());
                            SSLParameters parameters = handler.engine().getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            handler.engine().setSSLParameters(parameters);
                            ch.pipeline().addLast(handler);
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new ResponseRelay());
                    }
                })
                .connect(destination)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        LOG.debug("credential vault proxy: cannot reach {}: {}", destination, f.cause().getMessage());
                        client.close();
                        return;
                    }
                    upstream = f.channel();
                    while (!early.isEmpty()) {
                        channelRead(self, early.poll());
                    }
                    client.config().setAutoRead(true);
                });
    }

    /** The connection is not the vault's business: this relay and its codec leave, a byte relay takes over. */
    @Override
    public void passThrough(ChannelHandlerContext sni) {
        ChannelHandlerContext codec = sni.pipeline().context(HttpServerCodec.class);
        sni.pipeline().remove(codec.handler());
        sni.pipeline().replace(this, "raw", new RawRelay(destination, mark));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upstream == null || waitingForDns) {
            early.add(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                reply(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n", true);
                return;
            }
            ActiveVault active = vault.get();
            ActiveVault.Selection selection = active.select(scheme, host(request), destination.getPort(),
                    request.method().name(), InjectionGuard.path(request.uri()));
            if (selection instanceof ActiveVault.Ambiguous) {
                LOG.warn("credential vault proxy: ambiguous binding match for {} {}{}", request.method(),
                        host(request), InjectionGuard.path(request.uri()));
                discarding = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                reply(HttpResponseStatus.FORBIDDEN, "credential binding ambiguous\n", false);
                return;
            }
            if (selection instanceof ActiveVault.Selected) {
                InjectionGuard.Refusal refusal = InjectionGuard.check(request, host(request), tlsHost);
                if (refusal == null && tlsHost == null) {
                    if (!hostAnswerKnown(host(request), msg)) {
                        return; // the request waits for its host's addresses, then comes here again
                    }
                    refusal = destinationRefusal(host(request));
                }
                if (refusal != null) {
                    LOG.warn("credential vault proxy: no secret for {} {}{} to {}: {}", request.method(), host(request),
                            InjectionGuard.path(request.uri()), destination, refusal.reason());
                    discarding = !(msg instanceof LastHttpContent);
                    ReferenceCountUtil.release(msg);
                    reply(refusal.status(), "credential vault: " + refusal.reason() + "\n", false);
                    return;
                }
            }
            if (selection instanceof ActiveVault.Selected selected) {
                for (ActiveVault.Header header : selected.binding().headers()) {
                    request.headers().set(header.name(), header.value());
                }
                LOG.info("credential vault proxy: injected binding={} revision={} host={} method={} headers={}",
                        selected.binding().name(), active.revision(), host(request), request.method(),
                        selected.binding().headers());
                inFlight.add(active);
            } else {
                inFlight.add(ActiveVault.EMPTY);
            }
        } else if (discarding) {
            discarding = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        upstream.write(msg);
        if (msg instanceof LastHttpContent || !upstream.isWritable()) {
            upstream.flush();
        }
        if (!upstream.isWritable()) {
            client.config().setAutoRead(false);
        }
    }

    /**
     * Whether DNS's answer for {@code host} is known on this connection; if not, asks, holds {@code request} (and
     * pauses reads) until the answer is in, then reads the held messages again.
     */
    private boolean hostAnswerKnown(String host, Object request) {
        if (hostAnswers.containsKey(host)) {
            return true;
        }
        waitingForDns = true;
        early.addFirst(request);
        client.config().setAutoRead(false);
        addresses.lookUp(host).thenAccept(answer -> client.eventLoop().execute(() -> {
            hostAnswers.put(host, answer);
            waitingForDns = false;
            while (!early.isEmpty() && !waitingForDns && client.isActive()) {
                channelRead(self, early.poll());
            }
            if (!waitingForDns) {
                client.config().setAutoRead(true);
            }
        }));
        return false;
    }

    /**
     * Over plain HTTP the Host header is the sandbox's word and the destination address its choice: the secret goes
     * only to an address DNS gives the bound host, never to this sandbox's own addresses. A host DNS does not know
     * (NXDOMAIN: a name only the sandbox resolves) has no address to check against; then only the local rule holds.
     */
    private InjectionGuard.Refusal destinationRefusal(String host) {
        if (destinationLocal) {
            return new InjectionGuard.Refusal(HttpResponseStatus.FORBIDDEN,
                    "the connection goes to an address of the sandbox itself");
        }
        HostAddresses.Answer answer = hostAnswers.get(host);
        if (answer instanceof HostAddresses.Known known) {
            return known.addresses().contains(destination.getAddress()) ? null
                    : new InjectionGuard.Refusal(HttpResponseStatus.FORBIDDEN, host + " does not resolve to "
                    + destination.getAddress().getHostAddress() + ", where this connection goes");
        }
        if (answer instanceof HostAddresses.NoSuchName) {
            return null;
        }
        return new InjectionGuard.Refusal(HttpResponseStatus.BAD_GATEWAY,
                "cannot resolve " + host + " to check where this connection goes");
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null && client.isWritable()) {
            upstream.config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        if (upstream != null) {
            upstream.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("credential vault proxy: client connection to {} failed: {}", destination, cause.getMessage());
        ctx.close();
    }

    private void reply(HttpResponseStatus status, String text, boolean close) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            client.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            client.writeAndFlush(response);
        }
    }

    /** The Host header's name (or an absolute-form target's), lower case, without port. */
    static String host(HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null && request.uri().startsWith("http://")) {
            host = URI.create(request.uri()).getRawAuthority();
        }
        if (host == null) {
            return "";
        }
        host = host.strip().toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        return host;
    }


    /** The destination's side: responses back to the client, headers redacted. */
    private final class ResponseRelay extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.handler.codec.http.HttpResponse response) {
                ActiveVault sentWith = inFlight.isEmpty() ? ActiveVault.EMPTY : inFlight.peek();
                if (!sentWith.redactions().isEmpty()) {
                    for (String name : response.headers().names()) {
                        var values = response.headers().getAll(name);
                        var redacted = values.stream().map(sentWith::redact).toList();
                        if (!redacted.equals(values)) {
                            response.headers().set(name, redacted);
                        }
                    }
                }
                if (response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
                    client.writeAndFlush(msg);
                    return;
                }
            }
            if (msg instanceof LastHttpContent && !(msg instanceof io.netty.handler.codec.http.HttpResponse r
                    && r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL)) {
                inFlight.poll();
            }
            client.write(msg);
            if (msg instanceof LastHttpContent || !client.isWritable()) {
                client.flush();
            }
            if (!client.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            client.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                client.config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("credential vault proxy: connection to {} failed: {}", destination, cause.getMessage());
            ctx.close();
        }
    }
}
