package dev.kernelgate.http;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Turns a complete request into what to do next, applying the face's hooks in Jupyter's order:
 * preflight (OPTIONS, no auth), token auth, origin check, then the route (or 404 / 405).
 * Throws for every refusal; the caller renders it.
 */
final class Dispatcher {

    sealed interface Dispatch {
    }

    record Respond(Response response) implements Dispatch {
    }

    record Upgrade(WebSocketRouteHandler handler) implements Dispatch {
    }

    private final Routes routes;

    Dispatcher(Routes routes) {
        this.routes = routes;
    }

    Dispatch dispatch(Request request, Resolution resolution) throws Exception {
        boolean options = HttpMethod.OPTIONS.equals(request.httpMethod());
        if (options && !(resolution instanceof Resolution.Found)) {
            return new Respond(preflight(request, resolution));
        }
        if (!options && !authExempt(resolution)) {
            Response rejection = routes.auth().check(request);
            if (rejection != null) {
                return new Respond(rejection);
            }
        }
        if (!options && routes.cors() != null) {
            routes.cors().checkOrigin(request);
        }
        if (resolution instanceof Resolution.NotFound) {
            return new Respond(nonNull(routes.notFound().handler().handle(request), routes.notFound()));
        }
        if (resolution instanceof Resolution.MethodNotAllowed m) {
            throw HttpError.methodNotAllowed(m.allowed());
        }
        Route route = ((Resolution.Found) resolution).route();
        if (route.isWebSocket()) {
            if (!request.isWebSocketUpgrade()) {
                throw HttpError.badRequest("Can \"Upgrade\" only to \"WebSocket\".");
            }
            return new Upgrade(route.webSocket());
        }
        return new Respond(nonNull(route.handler().handle(request), route));
    }

    private boolean authExempt(Resolution resolution) {
        if (resolution instanceof Resolution.Found f) {
            return f.route().options().authExempt();
        }
        if (resolution instanceof Resolution.MethodNotAllowed m) {
            return m.authExempt();
        }
        return routes.notFound().options().authExempt();
    }

    private Response preflight(Request request, Resolution resolution) throws Exception {
        if (routes.preflight() != null) {
            return nonNull(routes.preflight().handle(request), null);
        }
        if (routes.cors() != null) {
            return routes.cors().preflight(request);
        }
        if (resolution instanceof Resolution.MethodNotAllowed m) {
            return Responses.noContent().withHeader("Allow", String.join(", ", m.allowed()));
        }
        throw HttpError.notFound("");
    }

    private static Response nonNull(Response response, Route route) {
        if (response == null) {
            throw new IllegalStateException("handler returned null: " + route);
        }
        return response;
    }
}
