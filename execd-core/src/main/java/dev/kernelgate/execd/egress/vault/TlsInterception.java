package dev.kernelgate.execd.egress.vault;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The first handler of a redirected TLS connection: reads the ClientHello's server name and decides. When a binding
 * could apply to that host, the sidecar terminates TLS with a certificate from {@link MitmAuthority} and the request
 * relay takes over (it opens its own TLS connection to the destination, verified); otherwise (no name, no binding)
 * the bytes are relayed untouched ({@link RawRelay}), so TLS the vault has no business with stays end to end.
 */
final class TlsInterception extends AbstractSniHandler<Boolean> {
    static final int MAX_CLIENT_HELLO = 16 * 1024;
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final Supplier<ActiveVault> vault;
    private final MitmAuthority authority;
    private final Decision relay;
    private final int port;

    /** What the connection's relay does once the server name is known. */
    interface Decision {
        /** TLS from the sandbox is terminated here (the handler is in place): connect to the destination over TLS. */
        void intercept(String host);

        /** Not the vault's business: relay the bytes ({@code sni} is this handler's context, still in place). */
        void passThrough(ChannelHandlerContext sni);
    }

    TlsInterception(Supplier<ActiveVault> vault, MitmAuthority authority, Decision relay, int port) {
        // A ClientHello is a few hundred bytes; a sandbox must not make the sidecar buffer megabytes or wait forever.
        super(MAX_CLIENT_HELLO, HANDSHAKE_TIMEOUT_MILLIS);
        this.vault = vault;
        this.authority = authority;
        this.relay = relay;
        this.port = port;
    }

    @Override
    protected Future<Boolean> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(hostname != null && vault.get().intercepts(hostname, port));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Boolean> future) {
        if (Boolean.TRUE.equals(future.getNow())) {
            // The buffered ClientHello goes on to the handler that replaces this one.
            ctx.pipeline().replace(this, "tls", authority.serverContext(hostname).newHandler(ctx.alloc()));
            relay.intercept(hostname);
        } else {
            relay.passThrough(ctx);
            ctx.pipeline().remove(this);
        }
    }
}
