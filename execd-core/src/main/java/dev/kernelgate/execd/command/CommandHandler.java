package dev.kernelgate.execd.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.ExecdErrorCode;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Route handlers of execd's {@code /command} API; the work is in {@link CommandService}.
 * <pre>
 * POST   /command                 run          (event stream)
 * DELETE /command?id=             interrupt
 * GET    /command/status/{id}     status
 * GET    /command/{id}/logs       logs         (?cursor=)
 * </pre>
 * Handlers run on the event loop and never block on it.
 */
public final class CommandHandler {

    /** Response header carrying the next log cursor. */
    public static final String TAIL_CURSOR_HEADER = "EXECD-COMMANDS-TAIL-CURSOR";

    private final CommandService commands;
    private final BashSessions sessions;

    /**
     * @param sessions also interrupted (closed) by {@code DELETE /command?id=<session id>}, as upstream's shared
     *                 interrupt does; may be {@code null}
     */
    public CommandHandler(CommandService commands, BashSessions sessions) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.sessions = sessions;
    }

    /** {@code POST /command}: 400 for a bad body or working directory, else an event stream. */
    public Response run(Request request) {
        RunCommandRequest body;
        try {
            body = RunCommandRequest.parse(readJson(request, "error parsing request, MAYBE invalid body format. "));
        } catch (CommandException e) {
            throw CommandErrors.http(e);
        }
        return Responses.eventStream(events -> {
            EventStreamSink sink = new EventStreamSink(events);
            commands.start(body, sink).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    events.fail(CommandErrors.http(failure, "error running commands "));
                }
            });
        });
    }

    /**
     * {@code DELETE /command?id=}: 200 once the command's group is gone (or a bash session with that id is closed);
     * 400 {@code MISSING_QUERY} without an id; 500 {@code RUNTIME_ERROR} for an unknown or finished command.
     */
    public Response interrupt(Request request) {
        String id = request.query("id");
        if (id == null || id.isEmpty()) {
            throw CommandErrors.http(400, ExecdErrorCode.MISSING_QUERY, "missing query parameter 'id'");
        }
        CompletableFuture<Void> done;
        if (!commands.contains(id) && sessions != null && sessions.contains(id)) {
            done = CompletableFuture.runAsync(() -> {
                try {
                    sessions.delete(id);
                } catch (CommandException e) {
                    throw CommandErrors.http(500, ExecdErrorCode.RUNTIME_ERROR,
                            "error interruptting code context. " + e.getMessage());
                }
            }, request.blockingExecutor());
        } else {
            done = commands.interrupt(id);
        }
        return Responses.async(done.handle((ignored, failure) -> {
            if (failure != null) {
                throw CommandErrors.http(failure, "error interruptting code context. ");
            }
            return Responses.empty(200);
        }));
    }

    /** {@code GET /command/status/{id}}: the status JSON, or 404 {@code INVALID_REQUEST_BODY}. */
    public Response status(Request request) {
        String id = request.pathParam("id");
        if (id == null || id.isEmpty()) {
            throw CommandErrors.http(400, ExecdErrorCode.INVALID_REQUEST_BODY, "missing command execution id");
        }
        try {
            return Responses.json(commands.status(id));
        } catch (CommandException e) {
            throw CommandErrors.http(e);
        }
    }

    /**
     * {@code GET /command/{id}/logs?cursor=}: {@code text/plain} bytes from the cursor (a byte offset; missing or
     * malformed means 0) and {@value #TAIL_CURSOR_HEADER}; 400 {@code INVALID_REQUEST_BODY} for an unknown or
     * foreground command.
     */
    public Response logs(Request request) {
        String id = request.pathParam("id");
        if (id == null || id.isEmpty()) {
            throw CommandErrors.http(400, ExecdErrorCode.MISSING_QUERY, "missing command execution id");
        }
        long cursor = parseCursor(request.query("cursor"));
        return request.offload(() -> {
            LogChunk chunk;
            try {
                chunk = commands.logs(id, cursor);
            } catch (CommandException e) {
                throw CommandErrors.http(e);
            }
            return Responses.bytes(200, "text/plain; charset=utf-8", chunk.data())
                    .withHeader(TAIL_CURSOR_HEADER, Long.toString(chunk.cursor()));
        });
    }

    static long parseCursor(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The body as a JSON tree; {@code null} for an empty body. 400 {@code INVALID_REQUEST_BODY} if malformed. */
    static JsonNode readJson(Request request, String prefix) throws CommandException {
        byte[] bytes = request.bodyBytes();
        if (bytes.length == 0) {
            return null;
        }
        try {
            JsonNode tree = request.jsonCodec().mapper().readTree(bytes);
            return tree == null || tree.isMissingNode() ? null : tree;
        } catch (JsonProcessingException e) {
            throw CommandException.invalid(prefix + e.getOriginalMessage());
        } catch (IOException e) {
            throw CommandException.invalid(prefix + e.getMessage());
        }
    }

    static HttpError missing(String what) {
        return CommandErrors.http(400, ExecdErrorCode.MISSING_QUERY, what);
    }

    /** {@code POST /code} without a language: upstream's "stateless" path runs the code as a foreground command. */
    public Response runCode(String code) {
        RunCommandRequest body = RunCommandRequest.of(code);
        return Responses.eventStream(events -> {
            EventStreamSink sink = new EventStreamSink(events);
            commands.start(body, sink).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    events.fail(CommandErrors.http(failure, "error running codes "));
                }
            });
        });
    }
}
