package dev.kernelgate.runtime;

import dev.kernelgate.http.ProxyResolver;
import dev.kernelgate.http.ProxyTarget;
import dev.kernelgate.http.Request;
import dev.kernelgate.runtime.spi.InternalEndpoint;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where the server-side proxy, {@code /sandboxes/{id}/proxy/{port}/...}, sends a request: where the runtime says the
 * sandbox's port is reachable from this server ({@link SandboxService#internalEndpoint}, looked up on the blocking
 * executor since runtimes block). A target found is kept for its sandbox and port until the sandbox changes state
 * (pause, resume, delete, expiry), so requests after the first cost no runtime call; requests that come while it is
 * looked up wait for that one look-up. A failed look-up is not kept.
 */
final class SandboxProxy implements ProxyResolver {

    private final SandboxService service;
    private final SslContext targetTls;
    private final Map<Key, CompletableFuture<ProxyTarget>> targets = new ConcurrentHashMap<>();

    private record Key(String id, int port) {
    }

    /** @param targetTls trusts the server's own certificate, for targets that serve it; null without TLS */
    SandboxProxy(SandboxService service, SslContext targetTls) {
        this.service = service;
        this.targetTls = targetTls;
        service.onStateChange(id -> targets.keySet().removeIf(key -> key.id().equals(id)));
    }

    @Override
    public CompletionStage<ProxyTarget> resolve(Request request, int port) {
        Key key = new Key(request.pathParam("id"), port);
        CompletableFuture<ProxyTarget> lookUp = new CompletableFuture<>();
        CompletableFuture<ProxyTarget> known = targets.putIfAbsent(key, lookUp);
        if (known != null) {
            return known.copy();
        }
        // Entered before the look-up reads the sandbox's state: a change after that read removes it (the listener).
        CompletableFuture<ProxyTarget> found;
        try {
            found = CompletableFuture.supplyAsync(() -> target(key.id(), port), request.blockingExecutor());
        } catch (RejectedExecutionException e) {
            found = CompletableFuture.failedFuture(e);
        }
        found.whenComplete((target, failure) -> {
            if (failure != null) {
                targets.remove(key, lookUp);
                lookUp.completeExceptionally(failure);
            } else {
                lookUp.complete(target);
            }
        });
        return lookUp.copy();
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
