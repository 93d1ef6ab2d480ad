package dev.kernelgate.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.StaticFiles;
import dev.kernelgate.kernelspecs.KernelSpec;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code /api/kernelspecs} and the spec resources under {@code /kernelspecs/{name}/{file}}. Rescans on each call. */
public final class KernelSpecsHandler {
    private final KernelService kernels;
    private final KernelSpecCatalog catalog;

    public KernelSpecsHandler(KernelService kernels, KernelSpecCatalog catalog) {
        this.kernels = kernels;
        this.catalog = catalog;
    }

    public Response list(Request request) {
        return request.offload(() -> {
            ObjectNode specs = Json.object();
            for (KernelSpec spec : catalog.all()) {
                specs.set(spec.name(), model(spec));
            }
            ObjectNode body = Json.object();
            body.put("default", kernels.kernelName(null)); // what a start naming no kernel gets
            body.set("kernelspecs", specs);
            return Responses.json(200, body);
        });
    }

    public Response get(Request request) {
        String name = request.pathParam("name");
        return request.offload(() -> Responses.json(200, model(catalog.find(name)
                .orElseThrow(() -> HttpError.notFound("Kernel spec " + name + " not found")))));
    }

    public Response resource(Request request) {
        String name = request.pathParam("name");
        String file = request.pathParam("path");
        return request.offload(() -> {
            KernelSpec spec = catalog.find(name).orElseThrow(() -> HttpError.notFound(""));
            if (spec.dropIn() || spec.resourceDir() == null) {
                throw HttpError.notFound("");
            }
            Path path = StaticFiles.resolveUnder(spec.resourceDir(), file)
                    .filter(Files::isRegularFile)
                    .orElseThrow(() -> HttpError.notFound(""));
            Response response = Responses.file(path);
            return file.endsWith(".png") ? response.withHeader("Cache-Control", "max-age=2592000") : response;
        });
    }

    private ObjectNode model(KernelSpec spec) {
        ObjectNode model = Json.object();
        model.put("name", spec.name());
        model.set("spec", spec.toJson());
        ObjectNode resources = Json.object();
        spec.resources().forEach((key, path) -> resources.put(key,
                kernels.config().baseUrlPrefix() + "kernelspecs/" + spec.name() + "/" + path.getFileName()));
        model.set("resources", resources);
        return model;
    }
}
