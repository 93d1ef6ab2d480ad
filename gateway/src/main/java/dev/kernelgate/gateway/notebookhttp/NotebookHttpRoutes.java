package dev.kernelgate.gateway.notebookhttp;

import dev.kernelgate.gateway.GatewayConfig;
import dev.kernelgate.gateway.KernelGatewayRoutes;
import dev.kernelgate.http.RouteHandler;
import dev.kernelgate.http.RouteOptions;
import dev.kernelgate.http.Routes;
import java.util.List;

/**
 * The whole notebook-http API in one table, in upstream's match order: the notebook download and the static files
 * (when enabled), the notebook's endpoints (deeper parameters first), the swagger spec, then a JSON 404 for the rest.
 * Auth, CORS and the base URL are the Kernel Gateway's.
 */
public final class NotebookHttpRoutes {
    /** Upstream's endpoint handler answers these four verbs (405 for one the notebook does not annotate). */
    private static final List<String> VERBS = List.of("GET", "PUT", "POST", "DELETE");

    private NotebookHttpRoutes() {
    }

    public static Routes build(GatewayConfig config, NotebookHttpHandler handler, List<Endpoint> endpoints) {
        Routes.Builder builder = KernelGatewayRoutes.face(config);
        RouteOptions options = RouteOptions.defaults();
        if (config.notebookHttp().allowNotebookDownload()) {
            builder.get("/_api/source", handler::source);
        }
        if (config.notebookHttp().staticPath() != null) {
            builder.get("/public/{path:.*}", handler::publicFile);
        }
        for (Endpoint endpoint : endpoints) {
            RouteHandler run = handler.endpoint(endpoint);
            for (String verb : VERBS) {
                builder.route(verb, endpoint.routeTemplate(), run, options);
            }
        }
        return builder.get("/_api/spec/swagger.json", handler::swagger)
                .notFound(handler::notFound, RouteOptions.noAuth())
                .build();
    }
}
