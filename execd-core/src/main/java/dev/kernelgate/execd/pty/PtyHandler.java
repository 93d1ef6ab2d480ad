package dev.kernelgate.execd.pty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.ExecdErrorCode;
import dev.kernelgate.execd.ExecdException;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.WebSocketAcceptance;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Route handlers of execd's interactive terminals; the work is in {@link PtySessions} and {@link PtySession}.
 * <pre>
 * POST   /pty                  create  {"cwd"?,"command"?} → 201 {"session_id"}
 * GET    /pty/{sessionId}      status  → {"session_id","running","output_offset"}
 * DELETE /pty/{sessionId}      delete  (kills the shell's whole session)
 * GET    /pty/{sessionId}/ws   the terminal: ?since=&lt;offset&gt; replays, ?takeover=1 evicts the attached client,
 *                              ?pty=0 starts the shell on pipes instead (stderr apart)
 * </pre>
 * Unknown sessions are 404 {@code CONTEXT_NOT_FOUND}, as upstream.
 */
public final class PtyHandler {

    private final PtySessions sessions;

    public PtyHandler(PtySessions sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    /** {@code POST /pty}: the body is optional; 400 when it is not a JSON object of strings. */
    public Response create(Request request) {
        requireSupport();
        JsonNode body = readBody(request);
        String cwd = text(body, "cwd");
        String command = text(body, "command");
        return request.offload(() -> {
            try {
                return Responses.json(201, Map.of("session_id", sessions.create(cwd, command)));
            } catch (PtySessions.TooManySessionsException e) {
                throw ExecdException.of(429, ExecdErrorCode.RUNTIME_ERROR, e.getMessage());
            } catch (IOException e) {
                throw ExecdException.of(500, ExecdErrorCode.RUNTIME_ERROR,
                        "error creating pty session: " + e.getMessage());
            }
        });
    }

    /** {@code GET /pty/{sessionId}}. */
    public Response status(Request request) {
        PtySession session = find(request);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("session_id", session.id());
        status.put("running", session.running());
        status.put("output_offset", session.outputOffset());
        return Responses.json(status);
    }

    /** {@code DELETE /pty/{sessionId}}: 200 once the shell's session is killed. */
    public Response delete(Request request) {
        String id = find(request).id();
        return request.offload(() -> {
            if (!sessions.delete(id)) {
                throw notFound(id);
            }
            return Responses.empty(200);
        });
    }

    /**
     * {@code GET /pty/{sessionId}/ws}: 404 for an unknown session and 409 {@code ALREADY_CONNECTED} while another
     * client is attached (unless {@code takeover=1}), both before the upgrade; otherwise the shell is started (off
     * the event loop) and the socket accepted. A shell that cannot start is reported on the socket, as upstream.
     */
    public CompletionStage<WebSocketAcceptance> connect(Request request) {
        PtySession session = find(request);
        boolean takeover = "1".equals(request.query("takeover"));
        long since = since(request);
        boolean terminal = !"0".equals(request.query("pty"));
        if (!takeover && session.attached()) {
            throw ExecdException.of(409, ExecdErrorCode.RUNTIME_ERROR,
                    "another client is already connected to pty session " + session.id())
                    .withCode(PtyFrames.ALREADY_CONNECTED);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                session.start(terminal);
                return WebSocketAcceptance.of(null, new PtySocket(session, since, takeover,
                        request.jsonCodec().mapper()));
            } catch (IOException | RuntimeException e) {
                return WebSocketAcceptance.of(null, PtySocket.failedStart(e.getMessage()));
            }
        }, request.blockingExecutor());
    }

    /** As upstream on a platform without terminals: 501 {@code NOT_SUPPORTED}. */
    private void requireSupport() {
        if (!sessions.supported()) {
            throw ExecdException.of(501, ExecdErrorCode.NOT_SUPPORTED,
                    "pty sessions are not supported on this platform");
        }
    }

    private PtySession find(Request request) {
        requireSupport();
        String id = request.pathParam("sessionId");
        if (id == null || id.isEmpty()) {
            throw ExecdException.of(400, ExecdErrorCode.MISSING_QUERY, "missing path parameter 'sessionId'");
        }
        PtySession session = sessions.get(id);
        if (session == null) {
            throw notFound(id);
        }
        return session;
    }

    private static HttpError notFound(String id) {
        return ExecdException.of(404, ExecdErrorCode.CONTEXT_NOT_FOUND, "pty session " + id + " not found");
    }

    private static HttpError invalid(String message) {
        return ExecdException.of(400, ExecdErrorCode.INVALID_REQUEST_BODY, message);
    }

    /** {@code since}: a byte offset, 0 when absent. */
    private static long since(Request request) {
        String since = request.query("since");
        if (since == null || since.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(since));
        } catch (NumberFormatException e) {
            throw invalid("query parameter 'since' must be a byte offset, got '" + since + "'");
        }
    }

    private static JsonNode readBody(Request request) {
        byte[] bytes = request.bodyBytes();
        if (bytes.length == 0) {
            return null;
        }
        JsonNode body;
        try {
            body = request.jsonCodec().mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw invalid("error parsing request: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("error parsing request: " + e.getMessage());
        }
        if (body == null || body.isMissingNode() || body.isNull()) {
            return null;
        }
        if (!body.isObject()) {
            throw invalid("error parsing request: expected a JSON object, got "
                    + body.getNodeType().name().toLowerCase());
        }
        return body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body == null ? null : body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid("error parsing request: field " + field + " must be a string");
        }
        return node.textValue();
    }
}
