package dev.kernelgate.gateway.api;

import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.gateway.http.HttpError;
import dev.kernelgate.gateway.http.Request;
import dev.kernelgate.gateway.http.WebSocketAcceptance;
import dev.kernelgate.gateway.http.WebSocketRouteHandler;
import dev.kernelgate.gateway.kernel.Kernel;
import dev.kernelgate.wire.V1Framing;
import dev.kernelgate.wire.WsFraming;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/kernels/{id}/channels}: picks the framing (v1 when offered, else legacy), finds or creates the
 * {@link ChannelsSession} of {@code kernel:session_id}, and upgrades once that session's IOPub is proven live.
 */
public final class ChannelsHandler implements WebSocketRouteHandler {
    private static final Logger log = LoggerFactory.getLogger(ChannelsHandler.class);

    private final KernelService kernels;
    private final Map<String, ChannelsSession> sessions = new ConcurrentHashMap<>();

    public ChannelsHandler(KernelService kernels) {
        this.kernels = kernels;
    }

    @Override
    public CompletionStage<WebSocketAcceptance> accept(Request request) {
        String id = request.pathParam("id");
        Kernel kernel = kernels.get(id).orElseThrow(() -> HttpError.notFound("Kernel does not exist: " + id));
        String sessionId = request.query("session_id");
        if (sessionId == null || sessionId.isBlank()) {
            sessionId = UUID.randomUUID().toString();
            log.debug("kernel {}: no session_id given, using {}", id, sessionId);
        }
        String subprotocol = request.webSocketSubprotocols().contains(V1Framing.SUBPROTOCOL)
                ? V1Framing.SUBPROTOCOL : null;
        WsFraming framing = WsFraming.forSubprotocol(subprotocol);
        String key = id + ":" + sessionId;

        ChannelsSession existing = sessions.get(key);
        if (existing != null && !existing.ended()) {
            return CompletableFuture.completedFuture(WebSocketAcceptance.of(subprotocol, existing.newSocket(framing)));
        }
        // Only one session buffers per kernel: a client with another session_id discards it.
        sessions.values().stream()
                .filter(s -> s.kernel() == kernel && s.isBuffering())
                .forEach(ChannelsSession::end);
        ChannelsSession session = new ChannelsSession(kernel, sessionId, kernels, s -> sessions.remove(s.key(), s));
        sessions.put(key, session);
        return kernel.connect(sessionId, session).handle((connection, error) -> {
            if (error != null) {
                session.end();
                throw new HttpError(500, "Internal Server Error", "kernel " + id + " is not answering: "
                        + GatewayErrors.unwrap(error).getMessage(), null);
            }
            session.connection(connection);
            return WebSocketAcceptance.of(subprotocol, session.newSocket(framing));
        });
    }
}
