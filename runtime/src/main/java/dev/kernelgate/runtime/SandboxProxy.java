package dev.kernelgate.runtime;

import dev.kernelgate.http.ProxyResolver;
import dev.kernelgate.http.ProxyTarget;
import dev.kernelgate.http.Request;
import dev.kernelgate.runtime.spi.InternalEndpoint;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the server-side proxy, {@code /sandboxes/{id}/proxy/{port}/...}, sends a request: where the runtime says the
 * sandbox's port is reachable from this server ({@link SandboxService#internalEndpoint}, looked up on the blocking
 * executor since runtimes block).
 */
final class SandboxProxy implements ProxyResolver {

    private final SandboxService service;
    private final SslContext targetTls;

    /** @param targetTls trusts the server's own certificate, for targets that serve it; null without TLS */
    SandboxProxy(SandboxService service, SslContext targetTls) {
        this.service = service;
        this.targetTls = targetTls;
    }

    @Override
    public CompletionStage<ProxyTarget> resolve(Request request, int port) {
        String id = request.pathParam("id");
        return CompletableFuture.supplyAsync(() -> target(id, port), request.blockingExecutor());
    }

    private ProxyTarget target(String id, int port) {
        InternalEndpoint e = service.internalEndpoint(id, port);
        InetSocketAddress address = new InetSocketAddress(e.host(), e.port());
        if (address.isUnresolved()) {
            throw service.codes().unreachable(id, "its host " + e.host() + " does not resolve.");
        }
        if (e.tls() && targetTls == null) {
            throw service.codes().unreachable(id, "port " + port + " serves TLS and the server has no certificate to "
                    + "trust it with.");
        }
        return new ProxyTarget(address, e.pathPrefix(), e.headers(), "sandbox " + id + " port " + port + " at " + e,
                e.tls() ? targetTls : null);
    }
}
