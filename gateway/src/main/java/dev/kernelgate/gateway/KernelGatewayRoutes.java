package dev.kernelgate.gateway;

import dev.kernelgate.gateway.api.ApiHandler;
import dev.kernelgate.gateway.api.ChannelsHandler;
import dev.kernelgate.gateway.api.GatewayErrors;
import dev.kernelgate.gateway.api.KernelSpecsHandler;
import dev.kernelgate.gateway.api.KernelsHandler;
import dev.kernelgate.gateway.api.SessionsHandler;
import dev.kernelgate.gateway.http.Cors;
import dev.kernelgate.gateway.http.OriginCheck;
import dev.kernelgate.gateway.http.RouteOptions;
import dev.kernelgate.gateway.http.Routes;
import dev.kernelgate.gateway.http.TokenAuth;
import dev.kernelgate.gateway.http.TokenExtractor;

/** The whole Kernel Gateway API (jupyter-websocket personality) in one table, in upstream's match order. */
public final class KernelGatewayRoutes {
    private static final String KERNEL_ID = "{id:\\w+-\\w+-\\w+-\\w+-\\w+}";
    private static final String SESSION_ID = "{id:\\w+-\\w+-\\w+-\\w+-\\w+}";

    private KernelGatewayRoutes() {
    }

    public static Routes.Builder builder(GatewayConfig config, ApiHandler api, KernelsHandler kernels,
                                         ChannelsHandler channels, KernelSpecsHandler specs,
                                         SessionsHandler sessions) {
        RouteOptions actions = RouteOptions.defaults().withErrors(GatewayErrors.messageReason());
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
                        .build())
                .get("/api/swagger.json", api::swaggerJson, RouteOptions.noAuth())
                .get("/api/swagger.yaml", api::swaggerYaml, RouteOptions.noAuth())
                .get("/api/kernels", kernels::list)
                .post("/api/kernels", kernels::start)
                .get("/api/kernels/" + KERNEL_ID, kernels::get)
                .delete("/api/kernels/" + KERNEL_ID, kernels::delete)
                .post("/api/kernels/" + KERNEL_ID + "/interrupt", kernels::interrupt, actions)
                .post("/api/kernels/" + KERNEL_ID + "/restart", kernels::restart, actions)
                .ws("/api/kernels/" + KERNEL_ID + "/channels", channels)
                .get("/api/kernelspecs", specs::list)
                .get("/api/kernelspecs/{name:[\\w.\\-%]+}", specs::get)
                .get("/kernelspecs/{name}/{path:.*}", specs::resource)
                .get("/api/sessions/" + SESSION_ID, sessions::get, actions)
                .patch("/api/sessions/" + SESSION_ID, sessions::update, actions)
                .delete("/api/sessions/" + SESSION_ID, sessions::delete, actions)
                .get("/api/sessions", sessions::list)
                .post("/api/sessions", sessions::create)
                .get("/api", api::version)
                // KG's catch-all NotFoundHandler has no token check: unknown paths are 404 with or without a token.
                .notFound(api::notFound, RouteOptions.noAuth());
    }
}
