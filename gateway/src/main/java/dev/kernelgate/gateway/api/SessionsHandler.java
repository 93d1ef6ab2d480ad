package dev.kernelgate.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.gateway.GatewayConfig;
import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.wire.Json;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** {@code /api/sessions}: the in-memory session store of the Kernel Gateway (a path bound to a kernel). */
public final class SessionsHandler {
    private record Session(String id, String path, String name, String type, String kernelId) {
    }

    private final GatewayConfig config;
    private final KernelService kernels;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public SessionsHandler(GatewayConfig config, KernelService kernels) {
        this.config = config;
        this.kernels = kernels;
    }

    public Response list(Request request) {
        if (!config.listKernels()) {
            throw HttpError.forbidden("Forbidden");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        sessions.values().forEach(s -> model(s).ifPresent(out::add));
        return Responses.json(200, out);
    }

    public Response create(Request request) {
        JsonNode body = request.jsonTree();
        String path = text(body, "path");
        if (path == null) {
            path = text(body.path("notebook"), "path");
        }
        if (path == null) {
            throw HttpError.badRequest("Missing field in JSON data: path");
        }
        String type = text(body, "type");
        if (type == null) {
            type = body.has("notebook") ? "notebook" : null;
        }
        if (type == null) {
            throw HttpError.badRequest("Missing field in JSON data: type");
        }
        String name = text(body, "name");
        String sessionPath = path;
        for (Session s : sessions.values()) {
            if (s.path().equals(path)) {
                return model(s).<Response>map(m -> created(s.id(), m))
                        .orElseGet(() -> startFor(request, body, sessionPath, name, s.type()));
            }
        }
        return startFor(request, body, path, name, type);
    }

    public Response get(Request request) {
        Session s = session(request);
        return Responses.json(200, model(s).orElseThrow(() -> new HttpError(410, "Gone",
                "Kernel deleted before session", null)));
    }

    public Response update(Request request) {
        Session s = session(request);
        JsonNode body = request.jsonTree();
        String kernelId = text(body.path("kernel"), "id");
        if (kernelId != null && kernels.get(kernelId).isEmpty()) {
            throw HttpError.badRequest("No such kernel: " + kernelId);
        }
        Session updated = new Session(s.id(), orElse(text(body, "path"), s.path()), orElse(text(body, "name"),
                s.name()), orElse(text(body, "type"), s.type()), orElse(kernelId, s.kernelId()));
        sessions.put(s.id(), updated);
        return Responses.json(200, model(updated).orElseThrow(() -> HttpError.notFound("Kernel deleted")));
    }

    public Response delete(Request request) {
        String id = request.pathParam("id");
        Session s = sessions.get(id);
        if (s == null) {
            // jupyter_server's SessionHandler answers a KeyError from the session manager this way.
            throw new HttpError(410, "Gone", "Kernel deleted before session", null);
        }
        sessions.remove(s.id());
        CompletableFuture<Void> stop = kernels.get(s.kernelId()).map(kernels::shutdown)
                .orElse(CompletableFuture.completedFuture(null));
        return Responses.async(stop.thenApply(ignored -> Responses.noContent()));
    }

    private Response startFor(Request request, JsonNode body, String path, String name, String type) {
        String kernelName = text(body.path("kernel"), "name");
        var start = new KernelService.StartRequest(kernelName, null, null);
        return Responses.async(kernels.start(start).thenApply(kernel -> {
            Session s = new Session(UUID.randomUUID().toString(), path, name == null ? "" : name, type, kernel.id());
            sessions.put(s.id(), s);
            return created(s.id(), model(s, kernel));
        }));
    }

    private Response created(String id, ObjectNode model) {
        return Responses.json(201, model).withHeader("Location", config.baseUrlPrefix() + "api/sessions/" + id);
    }

    private Session session(Request request) {
        String id = request.pathParam("id");
        Session s = sessions.get(id);
        if (s == null) {
            throw HttpError.notFound("Session not found: " + id);
        }
        return s;
    }

    private java.util.Optional<ObjectNode> model(Session s) {
        return kernels.get(s.kernelId()).map(k -> model(s, k));
    }

    private ObjectNode model(Session s, Kernel kernel) {
        ObjectNode m = Json.object();
        m.put("id", s.id());
        m.put("path", s.path());
        m.put("name", s.name());
        m.put("type", s.type());
        m.set("kernel", KernelModels.model(kernel, kernels));
        ObjectNode notebook = Json.object();
        notebook.put("path", s.path());
        notebook.put("name", s.name());
        m.set("notebook", notebook);
        return m;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String orElse(String v, String fallback) {
        return v == null ? fallback : v;
    }
}
