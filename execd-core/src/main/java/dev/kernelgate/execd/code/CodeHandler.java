package dev.kernelgate.execd.code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.execd.ExecdErrorCode;
import dev.kernelgate.execd.ExecdException;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.wire.Json;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@code /code} and {@code /code/context(s)}: thin; {@link CodeContexts} does the work. */
public final class CodeHandler {
    /** Commands behind {@code /code}: code that names no language runs as one, and interrupt reaches them too. */
    public interface CommandFallback {
        /** Runs code that names no language: execd's "stateless" path, a shell command. */
        Response run(Request request, String code);

        /** Interrupts the command or bash session {@code id}; empty when there is none by that id. */
        default Optional<CompletableFuture<Void>> interrupt(String id) {
            return Optional.empty();
        }
    }

    private final CodeContexts contexts;
    private final CommandFallback commands;

    public CodeHandler(CodeContexts contexts, CommandFallback commands) {
        this.contexts = contexts;
        this.commands = commands;
    }

    public Response createContext(Request request) {
        JsonNode body = body(request);
        String language = text(body, "language");
        String cwd = text(body, "cwd");
        return Responses.async(contexts.create(language, cwd).thenApply(c -> Responses.json(200, model(c))));
    }

    public Response listContexts(Request request) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        contexts.list(request.query("language")).forEach(c -> out.add(model(c)));
        return Responses.json(200, out);
    }

    public Response deleteContexts(Request request) {
        String language = request.query("language");
        if (language == null || language.isBlank()) {
            throw ExecdException.of(400, ExecdErrorCode.MISSING_QUERY, "missing query parameter 'language'");
        }
        return Responses.async(contexts.deleteLanguage(language).thenApply(ignored -> Responses.empty(200)));
    }

    public Response getContext(Request request) {
        return Responses.json(200, model(context(request.pathParam("contextId"))));
    }

    public Response deleteContext(Request request) {
        return Responses.async(contexts.delete(request.pathParam("contextId"))
                .thenApply(ignored -> Responses.empty(200)));
    }

    public Response run(Request request) {
        JsonNode body = body(request);
        JsonNode code = body.get("code");
        if (code == null || !code.isTextual() || code.asText().isEmpty()) {
            throw ExecdException.of(400, ExecdErrorCode.INVALID_REQUEST_BODY,
                    "invalid request, validation error: code is required");
        }
        String id = text(body.path("context"), "id");
        String language = text(body.path("context"), "language");
        if (language == null || language.isBlank()) {
            return commands.run(request, code.asText());
        }
        CompletableFuture<CodeContext> target = id != null && !id.isBlank()
                ? contexts.get(id).map(CompletableFuture::completedFuture)
                        .orElseThrow(() -> ExecdException.of(500, ExecdErrorCode.RUNTIME_ERROR,
                                "error running codes: context " + id + " not found"))
                : contexts.defaultFor(language);
        return Responses.async(target.thenApply(context -> {
            if (!context.tryAcquire()) {
                throw ExecdException.of(500, ExecdErrorCode.RUNTIME_ERROR, "context " + context.id()
                        + " is busy: wait for its current run to finish or interrupt it with DELETE /code?id="
                        + context.id());
            }
            return Responses.eventStream(events -> new CodeRun(context, events).start(code.asText()));
        }));
    }

    public Response interrupt(Request request) {
        String id = request.query("id");
        if (id == null || id.isBlank()) {
            throw ExecdException.of(400, ExecdErrorCode.MISSING_QUERY, "missing query parameter 'id'");
        }
        // As upstream, one interrupt for kernels, commands and bash sessions alike.
        CompletableFuture<Void> interrupted = contexts.get(id)
                .map(context -> context.client().kernel().interrupt())
                .or(() -> commands.interrupt(id))
                .orElseThrow(() -> ExecdException.of(500, ExecdErrorCode.RUNTIME_ERROR,
                        "interrupt " + id + ": no such session"));
        return Responses.async(interrupted.thenApply(ignored -> Responses.empty(200)));
    }

    private CodeContext context(String id) {
        return contexts.get(id).orElseThrow(() -> ExecdException.of(404, ExecdErrorCode.CONTEXT_NOT_FOUND,
                "context " + id + " not found"));
    }

    private static ObjectNode model(CodeContext c) {
        ObjectNode m = Json.object();
        m.put("id", c.id());
        m.put("language", c.language());
        if (c.cwd() != null) {
            m.put("cwd", c.cwd());
        }
        return m;
    }

    private static JsonNode body(Request request) {
        if (!request.hasBody() || request.bodyText().isBlank()) {
            return Json.object();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(request.bodyBytes());
            if (node == null || !node.isObject()) {
                throw new java.io.IOException("not a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw ExecdException.of(400, ExecdErrorCode.INVALID_REQUEST_BODY, "invalid JSON body: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
