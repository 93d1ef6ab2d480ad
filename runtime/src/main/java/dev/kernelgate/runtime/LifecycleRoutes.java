package dev.kernelgate.runtime;

import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.ProxyOptions;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.RouteOptions;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.TokenAuth;
import dev.kernelgate.http.TokenExtractor;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole lifecycle API in one table, mounted at {@code /v1} and at {@code /} as upstream mounts it, with the
 * server proxy {@code /sandboxes/{id}/proxy/{port}/...} ({@link SandboxProxy}). Every route but {@code /health}
 * needs {@code OPEN-SANDBOX-API-KEY}, the proxy included; every response but a proxied one carries
 * {@code X-Request-ID}, echoed from the request or generated.
 */
public final class LifecycleRoutes {
    public static final String API_KEY_HEADER = "OPEN-SANDBOX-API-KEY";
    public static final String REQUEST_ID_HEADER = "X-Request-ID";
    private static final List<String> PREFIXES = List.of("/v1", "");

    private LifecycleRoutes() {
    }

    /** @param apiKey the key clients must send; null or empty serves without auth (the caller decided to allow it) */
    static Routes build(String apiKey, SandboxHandler h, SandboxProxy proxy) {
        Routes.Builder routes = Routes.builder()
                .errors(new LifecycleErrors())
                .invalidJson(e -> new HttpError(422, null, "The request body is not valid JSON.",
                        ErrorCodes.INVALID_PARAMETER))
                .auth(TokenAuth.builder(apiKey)
                        .extractor(TokenExtractor.header(API_KEY_HEADER))
                        .onFailure((request, present) -> {
                            throw present
                                    ? new HttpError(401, null, "Authentication credentials are invalid. "
                                            + "Check your API key.", ErrorCodes.INVALID_API_KEY)
                                    : new HttpError(401, null, "Authentication credentials are missing. Provide "
                                            + "an API key in the " + API_KEY_HEADER + " header.",
                                            ErrorCodes.MISSING_API_KEY);
                        })
                        .build())
                .decorate((request, headers) -> {
                    String id = request.header(REQUEST_ID_HEADER);
                    headers.set(REQUEST_ID_HEADER, id == null || id.isBlank()
                            ? UUID.randomUUID().toString().replace("-", "") : id.strip());
                });
        // The server proxy: the server's API key, cookies and Authorization stay here, as upstream keeps them; the
        // client's Host goes on as X-Forwarded-Host.
        ProxyOptions proxied = ProxyOptions.defaults()
                .resolver(proxy)
                .dropHeaders(API_KEY_HEADER, "Authorization", "Cookie")
                .forwardHost(true)
                .failurePrefix("");
        for (String p : PREFIXES) {
            routes.proxy(p + "/sandboxes/{id}/proxy/{port}", proxied);
            routes.get(p + "/health", request -> Responses.json(Map.of("status", "healthy")), RouteOptions.noAuth())
                    .post(p + "/sandboxes", h::create)
                    .get(p + "/sandboxes", h::list)
                    .get(p + "/sandboxes/{id}", h::get)
                    .delete(p + "/sandboxes/{id}", h::delete)
                    .patch(p + "/sandboxes/{id}/metadata", h::patchMetadata)
                    .post(p + "/sandboxes/{id}/pause", h::pause)
                    .post(p + "/sandboxes/{id}/resume", h::resume)
                    .post(p + "/sandboxes/{id}/renew-expiration", h::renew)
                    .get(p + "/sandboxes/{id}/endpoints/{port}", h::endpoint);
        }
        return routes.build();
    }
}
