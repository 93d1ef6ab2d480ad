package dev.kernelgate.http;

import java.util.Map;

/** One entry of a route table: an HTTP handler or, for {@code webSocket != null}, a WebSocket endpoint. */
record Route(String method, RoutePattern pattern, RouteHandler handler, WebSocketRouteHandler webSocket,
             RouteOptions options) {

    boolean isWebSocket() {
        return webSocket != null;
    }

    Map<String, String> match(String rawPath) {
        return pattern.match(rawPath);
    }

    @Override
    public String toString() {
        return (isWebSocket() ? "WS" : method) + " " + pattern;
    }
}
