package dev.kernelgate.execd.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import java.util.Map;
import java.util.Objects;

/**
 * Route handlers of execd's bash session API; the work is in {@link BashSessions}.
 * <pre>
 * POST   /session                      create   {"cwd"?} → {"session_id"}
 * POST   /session/{sessionId}/run      run      (event stream)
 * DELETE /session/{sessionId}          delete
 * </pre>
 */
public final class SessionHandler {

    private final BashSessions sessions;

    public SessionHandler(BashSessions sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    /** {@code POST /session}: the body is optional; 400 if it is not JSON, 500 if the directory cannot be made. */
    public Response create(Request request) {
        String cwd = null;
        try {
            JsonNode body = CommandHandler.readJson(request, "error parsing request. ");
            if (body != null && !body.isNull()) {
                if (!body.isObject()) {
                    throw CommandException.invalid("error parsing request. cannot unmarshal "
                            + body.getNodeType().name().toLowerCase() + " into a session request");
                }
                JsonNode node = body.get("cwd");
                if (node != null && !node.isNull()) {
                    if (!node.isTextual()) {
                        throw CommandException.invalid("error parsing request. field cwd must be a string");
                    }
                    cwd = node.textValue();
                }
            }
        } catch (CommandException e) {
            throw CommandErrors.http(e);
        }
        String directory = cwd;
        return request.offload(() -> {
            try {
                return Responses.json(Map.of("session_id", sessions.create(directory)));
            } catch (CommandException e) {
                throw CommandErrors.http(e);
            }
        });
    }

    /**
     * {@code POST /session/{sessionId}/run}: 400 for a bad body or {@code cwd}, 500 {@code RUNTIME_ERROR} for an
     * unknown session, else an event stream. The client leaving kills the run.
     */
    public Response run(Request request) {
        String sessionId = request.pathParam("sessionId");
        if (sessionId == null || sessionId.isEmpty()) {
            throw CommandHandler.missing("missing path parameter 'sessionId'");
        }
        RunInSessionRequest body;
        try {
            body = RunInSessionRequest.parse(CommandHandler.readJson(request, "error parsing request. "));
        } catch (CommandException e) {
            throw CommandErrors.http(e);
        }
        return Responses.eventStream(events -> {
            EventStreamSink sink = new EventStreamSink(events);
            sessions.run(sessionId, body, sink).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    events.fail(CommandErrors.http(failure, "error running in session. "));
                }
            });
        });
    }

    /** {@code DELETE /session/{sessionId}}: 200, or 404 {@code CONTEXT_NOT_FOUND}. */
    public Response delete(Request request) {
        String sessionId = request.pathParam("sessionId");
        if (sessionId == null || sessionId.isEmpty()) {
            throw CommandHandler.missing("missing path parameter 'sessionId'");
        }
        return request.offload(() -> {
            try {
                sessions.delete(sessionId);
            } catch (CommandException e) {
                throw CommandErrors.http(e);
            }
            return Responses.empty(200);
        });
    }
}
