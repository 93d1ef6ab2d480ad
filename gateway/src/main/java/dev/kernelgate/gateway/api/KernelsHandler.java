package dev.kernelgate.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kernelgate.gateway.GatewayConfig;
import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.wire.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/kernels}: list, start, get, delete, interrupt, restart. Thin: the service does the work. */
public final class KernelsHandler {
    private final GatewayConfig config;
    private final KernelService kernels;

    public KernelsHandler(GatewayConfig config, KernelService kernels) {
        this.config = config;
        this.kernels = kernels;
    }

    public Response list(Request request) {
        if (!config.listKernels()) {
            throw HttpError.forbidden("Forbidden");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        kernels.list().forEach(k -> out.add(KernelModels.model(k, kernels)));
        return Responses.json(200, out);
    }

    public Response start(Request request) {
        kernels.checkKernelLimit(); // before reading the body, as upstream does
        KernelService.StartRequest start = startRequest(request);
        return Responses.async(kernels.start(start).thenApply(kernel -> Responses
                .json(201, KernelModels.model(kernel, kernels))
                .withHeader("Location", config.baseUrlPrefix() + "api/kernels/" + kernel.id())));
    }

    public Response get(Request request) {
        return Responses.json(200, KernelModels.model(kernel(request), kernels));
    }

    public Response delete(Request request) {
        Kernel kernel = kernel(request);
        return Responses.async(kernels.shutdown(kernel).thenApply(ignored -> Responses.noContent()));
    }

    public Response interrupt(Request request) {
        Kernel kernel = kernel(request);
        return Responses.async(kernel.interrupt().thenApply(ignored -> Responses.noContent()));
    }

    public Response restart(Request request) {
        Kernel kernel = kernel(request);
        return Responses.async(kernel.restart()
                .handle((ok, error) -> {
                    if (error != null) {
                        throw new HttpError(500, "Internal Server Error", "Exception restarting kernel", null);
                    }
                    return Responses.json(200, KernelModels.model(kernel, kernels));
                }));
    }

    /** The POST body: optional JSON {@code {"name", "path", "env"}}; non-JSON is a 400. */
    static KernelService.StartRequest startRequest(Request request) {
        if (!request.hasBody() || request.bodyText().isBlank()) {
            return new KernelService.StartRequest(null, null, null);
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(request.bodyBytes());
        } catch (java.io.IOException e) {
            throw HttpError.badRequest("Invalid JSON in body of request");
        }
        if (body == null || !body.isObject()) {
            throw HttpError.badRequest("Invalid JSON in body of request");
        }
        JsonNode envNode = body.get("env");
        Map<String, String> env = null;
        if (envNode != null) {
            if (!envNode.isObject()) {
                throw HttpError.badRequest(""); // upstream: a bare HTTPError(400), null included
            }
            env = new LinkedHashMap<>();
            for (var it = envNode.fields(); it.hasNext(); ) {
                var e = it.next();
                env.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        return new KernelService.StartRequest(text(body, "name"), env, text(body, "path"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private Kernel kernel(Request request) {
        String id = request.pathParam("id");
        return kernels.get(id).orElseThrow(() -> HttpError.notFound("Kernel does not exist: " + id));
    }
}
