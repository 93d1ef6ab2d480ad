package dev.kernelgate.gateway;

import dev.kernelgate.gateway.api.ApiHandler;
import dev.kernelgate.gateway.api.ChannelsHandler;
import dev.kernelgate.gateway.api.GatewayErrors;
import dev.kernelgate.gateway.api.KernelSpecsHandler;
import dev.kernelgate.gateway.api.KernelsHandler;
import dev.kernelgate.gateway.api.SessionsHandler;
import dev.kernelgate.http.Cors;
import dev.kernelgate.http.OriginCheck;
import dev.kernelgate.http.RouteOptions;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.TokenAuth;
import dev.kernelgate.http.TokenExtractor;

/** The whole Kernel Gateway API (jupyter-websocket personality) in one table, in upstream's match order. */
public final class KernelGatewayRoutes {
    private static final String KERNEL_ID = "{id:\\w+-\\w+-\\w+-\\w+-\\w+}";
    private static final String SESSION_ID = "{id:\\w+-\\w+-\\w+-\\w+-\\w+}";

    private KernelGatewayRoutes() {
    }

    public static Routes.Builder builder(GatewayConfig config, ApiHandler api, KernelsHandler kernels,
                                         ChannelsHandler channels, KernelSpecsHandler specs,
                                         SessionsHandler sessions) {
        return api(face(config), RouteOptions.defaults(), api, kernels, channels, specs, sessions)
                // KG's catch-all NotFoundHandler has no token check: unknown paths are 404 with or without a token.
                .notFound(api::notFound, RouteOptions.noAuth());
    }

    /** What every route of either personality shares: base URL, error format, token auth, CORS. */
    public static Routes.Builder face(GatewayConfig config) {
        return Routes.builder()
                .basePath(config.baseUrl())
                .errors(GatewayErrors.reasonMessage())
                .auth(TokenAuth.builder(config.authToken()).extractor(TokenExtractor.kernelGateway()).build())
                .cors(Cors.builder()
                        .allowOrigin(config.allowOrigin())
                        .allowCredentials(config.allowCredentials())
                        .allowHeaders(config.allowHeaders())
                        .allowMethods(config.allowMethods())
                        .exposeHeaders(config.exposeHeaders())
                        .maxAge(config.maxAge())
                        .echoOriginWhenUnset(true)
                        .originCheck(OriginCheck.sameHostOr(config.allowOrigin()))
                        .build());
    }

    /**
     * Adds the Kernel Gateway routes to another face's table (execd serves them on its own port); {@code base}
     * carries that face's settings, the routes keep the Kernel Gateway's error formats.
     */
    public static Routes.Builder api(Routes.Builder builder, RouteOptions base, ApiHandler api, KernelsHandler kernels,
                                     ChannelsHandler channels, KernelSpecsHandler specs, SessionsHandler sessions) {
        RouteOptions actions = base.withErrors(GatewayErrors.messageReason());
        RouteOptions kg = base.withErrors(GatewayErrors.reasonMessage());
        return builder
                .get("/api/swagger.json", api::swaggerJson, kg.withNoAuth())
                .get("/api/swagger.yaml", api::swaggerYaml, kg.withNoAuth())
                .get("/api/kernels", kernels::list, kg)
                .post("/api/kernels", kernels::start, kg)
                .get("/api/kernels/" + KERNEL_ID, kernels::get, kg)
                .delete("/api/kernels/" + KERNEL_ID, kernels::delete, kg)
                .post("/api/kernels/" + KERNEL_ID + "/interrupt", kernels::interrupt, actions)
                .post("/api/kernels/" + KERNEL_ID + "/restart", kernels::restart, actions)
                .ws("/api/kernels/" + KERNEL_ID + "/channels", channels, kg)
                .get("/api/kernelspecs", specs::list, kg)
                .get("/api/kernelspecs/{name:[\\w.\\-%]+}", specs::get, kg)
                .get("/kernelspecs/{name}/{path:.*}", specs::resource, kg)
                .get("/api/sessions/" + SESSION_ID, sessions::get, actions)
                .patch("/api/sessions/" + SESSION_ID, sessions::update, actions)
                .delete("/api/sessions/" + SESSION_ID, sessions::delete, actions)
                .get("/api/sessions", sessions::list, kg)
                .post("/api/sessions", sessions::create, kg)
                .get("/api", api::version, kg);
    }
}
