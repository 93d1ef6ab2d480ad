package dev.kernelgate.execd;

import dev.kernelgate.execd.code.CodeHandler;
import dev.kernelgate.execd.command.CommandHandler;
import dev.kernelgate.execd.command.SessionHandler;
import dev.kernelgate.execd.files.DirectoriesHandler;
import dev.kernelgate.execd.files.FilesHandler;
import dev.kernelgate.execd.metrics.MetricsHandler;
import dev.kernelgate.execd.pty.PtyHandler;
import dev.kernelgate.gateway.KernelGatewayRoutes;
import dev.kernelgate.gateway.api.ApiHandler;
import dev.kernelgate.gateway.api.ChannelsHandler;
import dev.kernelgate.gateway.api.KernelSpecsHandler;
import dev.kernelgate.gateway.api.KernelsHandler;
import dev.kernelgate.gateway.api.SessionsHandler;
import dev.kernelgate.http.CodeMessageErrorRenderer;
import dev.kernelgate.http.ProxyOptions;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.RouteOptions;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.TokenAuth;
import dev.kernelgate.http.TokenExtractor;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * The whole execd API (OpenSandbox execd, {@code /pty} terminals included) in one table, plus the Kernel Gateway API
 * on the same port so Jupyter clients can attach to the kernels behind the code contexts.
 */
public final class ExecdRoutes {
    static final String TOKEN_HEADER = "X-EXECD-ACCESS-TOKEN";
    private static final byte[] UNAUTHORIZED = ("{\"error\":\"Unauthorized: invalid or missing header "
            + TOKEN_HEADER + " (AUTH_003)\"}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_FOUND = "404 page not found".getBytes(StandardCharsets.UTF_8);

    /** The handlers of every part of the API. */
    public record Handlers(CodeHandler code, CommandHandler commands, SessionHandler sessions, FilesHandler files,
                           DirectoriesHandler directories, MetricsHandler metrics, PtyHandler pty, ApiHandler kgApi,
                           KernelsHandler kgKernels, ChannelsHandler kgChannels, KernelSpecsHandler kgSpecs,
                           SessionsHandler kgSessions) {
    }

    private ExecdRoutes() {
    }

    public static Routes build(ExecdConfig config, Handlers h, IntSupplier ownPort) {
        Routes.Builder routes = Routes.builder()
                .errors(CodeMessageErrorRenderer.withFallbackCode(ExecdErrorCode.RUNTIME_ERROR.name()))
                .auth(TokenAuth.builder(config.accessToken())
                        // Jupyter clients attaching to the same kernels send the token their way.
                        .extractor(TokenExtractor.firstOf(TokenExtractor.header(TOKEN_HEADER),
                                TokenExtractor.kernelGateway()))
                        .onFailure((request, present) -> Responses.bytes(401, "application/json", UNAUTHORIZED))
                        .build())
                // Docker bridge mode reaches execd itself as /proxy/44772/...: served in-process.
                .proxy("/proxy/{port}", ProxyOptions.defaults().selfPorts(ownPort, () -> ExecdConfig.DEFAULT_PORT))
                .get("/ping", request -> Responses.empty(200))
                .post("/code", h.code()::run)
                .delete("/code", h.code()::interrupt)
                .post("/code/context", h.code()::createContext)
                .get("/code/contexts", h.code()::listContexts)
                .delete("/code/contexts", h.code()::deleteContexts)
                .get("/code/contexts/{contextId}", h.code()::getContext)
                .delete("/code/contexts/{contextId}", h.code()::deleteContext)
                .post("/session", h.sessions()::create)
                .post("/session/{sessionId}/run", h.sessions()::run)
                .delete("/session/{sessionId}", h.sessions()::delete)
                .post("/command", h.commands()::run)
                .delete("/command", h.commands()::interrupt)
                .get("/command/status/{id}", h.commands()::status)
                .get("/command/{id}/logs", h.commands()::logs)
                .get("/files/info", h.files()::info)
                .delete("/files", h.files()::remove)
                .post("/files/mv", h.files()::move)
                .post("/files/permissions", h.files()::permissions)
                .get("/files/search", h.files()::search)
                .post("/files/replace", h.files()::replace)
                .post("/files/upload", h.files()::upload, FilesHandler.uploadOptions())
                .get("/files/download", h.files()::download)
                .get("/directories/list", h.directories()::list)
                .post("/directories", h.directories()::create)
                .delete("/directories", h.directories()::remove)
                .get("/metrics", h.metrics()::json)
                .get("/metrics/watch", h.metrics()::watch)
                .get("/metrics/prometheus", h.metrics()::prometheus)
                .post("/pty", h.pty()::create)
                .get("/pty/{sessionId}", h.pty()::status)
                .delete("/pty/{sessionId}", h.pty()::delete)
                .ws("/pty/{sessionId}/ws", h.pty()::connect);
        KernelGatewayRoutes.api(routes, RouteOptions.defaults(), h.kgApi(), h.kgKernels(), h.kgChannels(),
                h.kgSpecs(), h.kgSessions());
        return routes.notFound(ExecdRoutes::notFound).build();
    }

    private static Response notFound(dev.kernelgate.http.Request request) {
        return Responses.bytes(404, "text/plain; charset=utf-8", NOT_FOUND);
    }
}
