package dev.kernelgate.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The whole HTTP API of one face: routes in first-match order plus the hooks that shape every
 * response (error format, token auth, CORS, JSON mapping). Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * Routes api = Routes.builder()
 *     .basePath(config.baseUrl())
 *     .errors(new ReasonMessageErrorRenderer(true))
 *     .auth(TokenAuth.builder(config.authToken()).extractor(TokenExtractor.kernelGateway()).build())
 *     .cors(Cors.builder().allowOrigin(config.allowOrigin()).build())
 *     .get("/api", api::version)
 *     .get("/api/kernels", kernels::list).post("/api/kernels", kernels::start)
 *     .get("/api/kernels/{id:\\w+-\\w+-\\w+-\\w+-\\w+}", kernels::get)
 *     .ws("/api/kernels/{id:\\w+-\\w+-\\w+-\\w+-\\w+}/channels", channels)
 *     .get("/kernelspecs/{name}/{path:.*}", specs::resource)
 *     .notFound(req -> { throw HttpError.notFound(""); }, RouteOptions.noAuth())
 *     .build();
 * }</pre>
 */
public final class Routes {

    private final String basePath;
    private final List<Route> routes;
    private final Route notFound;
    private final ErrorRenderer errors;
    private final TokenAuth auth;
    private final Cors cors;
    private final RouteHandler preflight;
    private final List<ResponseDecorator> decorators;
    private final JsonCodec json;
    private final Function<? super Exception, HttpError> invalidJson;
    private final List<PortProxy> proxies;

    private Routes(Builder b) {
        this.basePath = normalizeBase(b.basePath);
        List<Route> compiled = new ArrayList<>(b.entries.size());
        for (Entry e : b.entries) {
            compiled.add(new Route(e.method, RoutePattern.compile(basePath, e.template), e.handler, e.webSocket,
                    e.options));
        }
        this.routes = List.copyOf(compiled);
        this.notFound = new Route("*", RoutePattern.compile("", "/{all:.*}"), b.notFoundHandler, null,
                b.notFoundOptions);
        this.errors = b.errors;
        this.auth = b.auth;
        this.cors = b.cors;
        this.preflight = b.preflight;
        List<ResponseDecorator> all = new ArrayList<>();
        if (cors != null) {
            all.add(cors);
        }
        all.addAll(b.decorators);
        this.decorators = List.copyOf(all);
        this.json = b.json;
        this.invalidJson = b.invalidJson;
        List<PortProxy> ports = new ArrayList<>();
        for (ProxyEntry p : b.proxies) {
            ports.add(PortProxy.compile(basePath, p.template(), p.options()));
        }
        this.proxies = List.copyOf(ports);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code ""} or the normalized base URL every route is under, e.g. {@code "/base"}. */
    public String basePath() {
        return basePath;
    }

    /** One line per route, e.g. {@code "GET /api/kernels"}, in match order (the port proxies, if any, first). */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        proxies.forEach(p -> lines.add("PROXY " + p)); // matched before the routes
        routes.forEach(r -> lines.add(r.toString()));
        return List.copyOf(lines);
    }

    /**
     * Picks the route for a request line. WebSocket routes take upgrades; an explicit HEAD route beats
     * a GET one; GET serves HEAD otherwise.
     */
    Resolution resolve(HttpMethod method, String rawPath, boolean upgrade) {
        List<Route> candidates = new ArrayList<>(2);
        List<Map<String, String>> params = new ArrayList<>(2);
        for (Route route : routes) {
            Map<String, String> p = route.match(rawPath);
            if (p != null) {
                candidates.add(route);
                params.add(p);
            }
        }
        if (candidates.isEmpty()) {
            return new Resolution.NotFound();
        }
        String m = method.name();
        int chosen = -1;
        if (upgrade) {
            chosen = indexOf(candidates, Route::isWebSocket);
        }
        if (chosen < 0) {
            chosen = indexOf(candidates, r -> !r.isWebSocket() && r.method().equals(m));
        }
        if (chosen < 0 && m.equals("HEAD")) {
            chosen = indexOf(candidates, r -> !r.isWebSocket() && r.method().equals("GET"));
        }
        if (chosen < 0 && m.equals("GET")) {
            chosen = indexOf(candidates, Route::isWebSocket);
        }
        if (chosen >= 0) {
            return new Resolution.Found(candidates.get(chosen), params.get(chosen));
        }
        Set<String> allowed = new LinkedHashSet<>();
        boolean exempt = true;
        for (Route r : candidates) {
            String rm = r.isWebSocket() ? "GET" : r.method();
            allowed.add(rm);
            if (rm.equals("GET") && !r.isWebSocket()) { // HEAD falls back to GET routes only, never a WebSocket
                allowed.add("HEAD");
            }
            exempt &= r.options().authExempt();
        }
        allowed.add("OPTIONS");
        return new Resolution.MethodNotAllowed(allowed, exempt);
    }

    private static int indexOf(List<Route> routes, Predicate<Route> test) {
        for (int i = 0; i < routes.size(); i++) {
            if (test.test(routes.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Body limit for a resolved request line; {@code fallback} is the server default. */
    long bodyLimit(Resolution resolution, long fallback) {
        if (resolution instanceof Resolution.Found f && f.route().options().maxBodyBytes() >= 0) {
            return f.route().options().maxBodyBytes();
        }
        return fallback;
    }

    /** The route's own error format if it has one, else the face's. */
    ErrorRenderer errorsFor(Resolution resolution) {
        if (resolution instanceof Resolution.Found f && f.route().options().errors() != null) {
            return f.route().options().errors();
        }
        return errors;
    }

    Route notFound() {
        return notFound;
    }

    ErrorRenderer errors() {
        return errors;
    }

    TokenAuth auth() {
        return auth;
    }

    Cors cors() {
        return cors;
    }

    RouteHandler preflight() {
        return preflight;
    }

    List<ResponseDecorator> decorators() {
        return decorators;
    }

    JsonCodec json() {
        return json;
    }

    Function<? super Exception, HttpError> invalidJson() {
        return invalidJson;
    }

    /** Whether the face has a port proxy. */
    boolean hasProxy() {
        return !proxies.isEmpty();
    }

    /** The first port proxy whose template takes {@code uri}, as a target; {@code null} when none does. */
    PortProxy.Target matchProxy(String uri) {
        for (PortProxy p : proxies) {
            PortProxy.Target target = p.match(uri);
            if (target != null) {
                return target;
            }
        }
        return null;
    }

    static String normalizeBase(String base) {
        String b = base == null ? "" : base.trim();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        if (!b.isEmpty() && !b.startsWith("/")) {
            b = "/" + b;
        }
        return b;
    }

    private record ProxyEntry(String template, ProxyOptions options) {
    }

    private record Entry(String method, String template, RouteHandler handler, WebSocketRouteHandler webSocket,
                         RouteOptions options) {
    }

    /** Collects a face's routes and hooks; not thread-safe, used once. */
    public static final class Builder {

        private String basePath = "";
        private final List<Entry> entries = new ArrayList<>();
        private RouteHandler notFoundHandler = request -> {
            throw HttpError.notFound("");
        };
        private RouteOptions notFoundOptions = RouteOptions.defaults();
        private ErrorRenderer errors = new ReasonMessageErrorRenderer(false);
        private TokenAuth auth = TokenAuth.disabled();
        private Cors cors;
        private RouteHandler preflight;
        private final List<ResponseDecorator> decorators = new ArrayList<>();
        private JsonCodec json = JsonCodec.defaults();
        private Function<? super Exception, HttpError> invalidJson =
                e -> HttpError.badRequest("Invalid JSON in body of request");
        private final List<ProxyEntry> proxies = new ArrayList<>();

        private Builder() {
        }

        /** Prefix of every route (KG's {@code base_url}); {@code "/"} and {@code ""} mean none. */
        public Builder basePath(String base) {
            this.basePath = Objects.requireNonNull(base, "base");
            return this;
        }

        public Builder get(String path, RouteHandler handler) {
            return route("GET", path, handler, RouteOptions.defaults());
        }

        public Builder get(String path, RouteHandler handler, RouteOptions options) {
            return route("GET", path, handler, options);
        }

        public Builder post(String path, RouteHandler handler) {
            return route("POST", path, handler, RouteOptions.defaults());
        }

        public Builder post(String path, RouteHandler handler, RouteOptions options) {
            return route("POST", path, handler, options);
        }

        public Builder put(String path, RouteHandler handler) {
            return route("PUT", path, handler, RouteOptions.defaults());
        }

        public Builder patch(String path, RouteHandler handler) {
            return route("PATCH", path, handler, RouteOptions.defaults());
        }

        public Builder patch(String path, RouteHandler handler, RouteOptions options) {
            return route("PATCH", path, handler, options);
        }

        public Builder delete(String path, RouteHandler handler) {
            return route("DELETE", path, handler, RouteOptions.defaults());
        }

        public Builder delete(String path, RouteHandler handler, RouteOptions options) {
            return route("DELETE", path, handler, options);
        }

        public Builder head(String path, RouteHandler handler) {
            return route("HEAD", path, handler, RouteOptions.defaults());
        }

        /** Any method, e.g. a proxy route registers each method it forwards. */
        public Builder route(String method, String path, RouteHandler handler, RouteOptions options) {
            entries.add(new Entry(HttpMethod.valueOf(method).name(), path, Objects.requireNonNull(handler),
                    null, Objects.requireNonNull(options)));
            RoutePattern.compile("", path); // fail fast on a bad template
            return this;
        }

        public Builder ws(String path, WebSocketRouteHandler handler) {
            return ws(path, handler, RouteOptions.defaults());
        }

        public Builder ws(String path, WebSocketRouteHandler handler, RouteOptions options) {
            entries.add(new Entry("GET", path, null, Objects.requireNonNull(handler), options));
            RoutePattern.compile("", path);
            return this;
        }

        /** Answers paths no route matches (default: 404 through the error renderer). */
        public Builder notFound(RouteHandler handler) {
            return notFound(handler, RouteOptions.defaults());
        }

        /** With {@link RouteOptions#noAuth()}, unknown paths answer 404 without a token (KG's catch-all). */
        public Builder notFound(RouteHandler handler, RouteOptions options) {
            this.notFoundHandler = Objects.requireNonNull(handler);
            this.notFoundOptions = Objects.requireNonNull(options);
            return this;
        }

        public Builder errors(ErrorRenderer renderer) {
            this.errors = Objects.requireNonNull(renderer);
            return this;
        }

        public Builder auth(TokenAuth tokenAuth) {
            this.auth = Objects.requireNonNull(tokenAuth);
            return this;
        }

        /** CORS headers on every response, preflight answers, and the origin check. */
        public Builder cors(Cors corsPolicy) {
            this.cors = corsPolicy;
            return this;
        }

        /** Replaces the OPTIONS answer for paths without an explicit OPTIONS route. */
        public Builder preflight(RouteHandler handler) {
            this.preflight = handler;
            return this;
        }

        /** Adds headers to every response (after CORS), e.g. an echoed {@code X-Request-ID}. */
        public Builder decorate(ResponseDecorator decorator) {
            decorators.add(Objects.requireNonNull(decorator));
            return this;
        }

        public Builder json(JsonCodec codec) {
            this.json = Objects.requireNonNull(codec);
            return this;
        }

        /** The error for a body that {@link Request#json} cannot parse. */
        public Builder invalidJson(Function<? super Exception, HttpError> mapping) {
            this.invalidJson = Objects.requireNonNull(mapping);
            return this;
        }

        /**
         * Forwards {@code <template>} and {@code <template>/{rest}} (any method, WebSocket upgrades included) to
         * {@code http://127.0.0.1:{port}/{rest}?{query}}, or where {@link ProxyOptions#resolver} says, streaming both
         * ways, after the face's token check. With the default target the server's own port (and
         * {@link ProxyOptions#selfPorts}) are served in-process through this route table. Errors: 400 without a valid
         * port, 502 ({@code NET_004}) when nothing answers. May be called more than once (e.g. one template per
         * mount point); the first template that takes a request wins.
         *
         * @param template literal segments and {@code {name}} parameters ending with {@code /{port}}, e.g.
         *                 {@code "/proxy/{port}"} or {@code "/sandboxes/{id}/proxy/{port}"} (under
         *                 {@link #basePath} like every route)
         */
        public Builder proxy(String template, ProxyOptions options) {
            PortProxy.compile("", template, options); // fail fast on a bad template
            proxies.add(new ProxyEntry(template, options));
            return this;
        }

        public Builder proxy(String template) {
            return proxy(template, ProxyOptions.defaults());
        }

        public Routes build() {
            return new Routes(this);
        }
    }
}
