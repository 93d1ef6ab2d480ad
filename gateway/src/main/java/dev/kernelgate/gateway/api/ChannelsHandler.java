package dev.kernelgate.gateway.api;

import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.WebSocketAcceptance;
import dev.kernelgate.http.WebSocketRouteHandler;
import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.kernels.KernelConnection;
import dev.kernelgate.wire.V1Framing;
import dev.kernelgate.wire.WsFraming;
import dev.kernelgate.wire.WsFramings;
import java.util.Map;
import java.util.UUID;
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
        WsFraming framing = WsFramings.forSubprotocol(subprotocol);
        String key = id + ":" + sessionId;

        ChannelsSession created = new ChannelsSession(kernel, sessionId, kernels, s -> sessions.remove(s.key(), s));
        // Atomic per key: two sockets of one session_id opening at once share one session (and one kernel connection).
        ChannelsSession session = sessions.compute(key, (k, s) -> s != null && !s.ended() ? s : created);
        if (session == created) {
            // Only one session buffers for a reconnect per kernel: a client with another session_id discards it. A
            // session whose first socket is still opening is not buffering, so clients opening at once keep theirs.
            sessions.values().stream()
                    .filter(s -> s != created && s.kernel() == kernel && s.isBuffering())
                    .forEach(ChannelsSession::end);
            KernelConnection.open(kernel, sessionId, created).whenComplete((connection, error) -> {
                if (error != null) {
                    created.connectFailed(error);
                    created.end();
                } else {
                    created.connection(connection);
                }
            });
        }
        // The socket is accepted only once the session's kernel connection is open (IOPub proven), so nothing the
        // client sends can arrive before there is a connection to carry it.
        return session.connected().handle((connection, error) -> {
            if (error != null) {
                throw new HttpError(500, "Internal Server Error", "kernel " + id + " is not answering: "
                        + GatewayErrors.unwrap(error).getMessage(), null);
            }
            // On the kernel's event loop, the kernel's messages reach this socket with no hand-off.
            return WebSocketAcceptance.of(subprotocol, session.newSocket(framing)).onLoop(kernel.eventLoop());
        });
    }
}
