package dev.kernelgate.gateway.notebookhttp;

import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.RouteHandler;
import dev.kernelgate.http.StaticFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The notebook's endpoints, its swagger spec, its source and the static files. Thin: the service does the work. */
public final class NotebookHttpHandler {
    private final NotebookApiService service;
    private final byte[] swagger;
    private final SeedNotebook notebook;
    private final Path staticPath;

    NotebookHttpHandler(NotebookApiService service, SeedNotebook notebook, ApiCellParser parser, Path staticPath) {
        this.service = service;
        this.swagger = PythonJson.dumps(SwaggerSpec.of(notebook, parser)).getBytes(StandardCharsets.UTF_8);
        this.notebook = notebook;
        this.staticPath = staticPath;
    }

    /** Runs the endpoint's cells for the request's verb; a verb the notebook does not annotate is 405. */
    public RouteHandler endpoint(Endpoint endpoint) {
        return request -> {
            String verb = request.method();
            if (!endpoint.sources().containsKey(verb)) {
                return Responses.empty(405);
            }
            return Responses.async(service.call(endpoint, verb, RequestBundle.of(request)).thenApply(answer -> {
                String contentType = null;
                for (Map.Entry<String, String> h : answer.headers().entrySet()) {
                    if (h.getKey().equalsIgnoreCase("Content-Type")) {
                        contentType = h.getValue();
                    }
                }
                Response response = Responses.bytes(answer.status(), contentType,
                        answer.body().getBytes(StandardCharsets.UTF_8));
                for (Map.Entry<String, String> h : answer.headers().entrySet()) {
                    if (!h.getKey().equalsIgnoreCase("Content-Type") && !h.getKey().equalsIgnoreCase("Content-Length")) {
                        response = response.withHeader(h.getKey(), h.getValue());
                    }
                }
                return response;
            }));
        };
    }

    public Response swagger(Request request) {
        return Responses.bytes(200, "application/json", swagger);
    }

    public Response source(Request request) {
        return Responses.bytes(200, "application/x-ipynb+json", notebook.bytes());
    }

    public Response publicFile(Request request) {
        String file = request.pathParam("path");
        return request.offload(() -> Responses.file(StaticFiles.resolveUnder(staticPath, file)
                .filter(Files::isRegularFile)
                .orElseThrow(() -> HttpError.notFound(""))));
    }

    public Response notFound(Request request) {
        throw HttpError.notFound("");
    }
}
