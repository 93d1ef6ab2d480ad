package dev.kernelgate.execd.egress;

import dev.kernelgate.http.Responses;
import dev.kernelgate.http.RouteOptions;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.TokenAuth;
import dev.kernelgate.http.TokenExtractor;

/** The egress sidecar's whole API (upstream's {@code specs/egress-api.yaml}): the policy and the credential vault. */
public final class EgressRoutes {
    /** Upstream's token header; checked only when a token is configured. */
    public static final String TOKEN_HEADER = "OPENSANDBOX-EGRESS-AUTH";
    /** Upstream's cap on a policy request body. */
    static final long MAX_BODY_BYTES = 1 << 20;

    private EgressRoutes() {
    }

    public static Routes build(String token, PolicyHandler policy, VaultHandler vault) {
        RouteOptions body = RouteOptions.bodyLimit(MAX_BODY_BYTES);
        return Routes.builder()
                .errors(new PlainTextErrors())
                .auth(TokenAuth.builder(token)
                        .extractor(TokenExtractor.header(TOKEN_HEADER))
                        .onFailure((request, present) -> PlainTextErrors.text(401,
                                "unauthorized (AUTH_003: missing or wrong " + TOKEN_HEADER + " header)"))
                        .build())
                .get("/healthz", request -> Responses.text(200, "ok"), RouteOptions.noAuth())
                .get("/policy", policy::get)
                .post("/policy", policy::replace, body)
                .route("PUT", "/policy", policy::replace, body)
                .patch("/policy", policy::patch, body)
                .delete("/policy", policy::delete, body)
                .get("/credential-vault", vault::get)
                .post("/credential-vault", vault::create, body)
                .patch("/credential-vault", vault::patch, body)
                .delete("/credential-vault", vault::delete, body)
                .get("/credential-vault/_active", vault::active, RouteOptions.noAuth())
                .get("/credential-vault/credentials", vault::credentials)
                .get("/credential-vault/credentials/{name}", vault::credential)
                .get("/credential-vault/bindings", vault::bindings)
                .get("/credential-vault/bindings/{name}", vault::binding)
                .build();
    }
}
