package dev.kernelgate.execd.egress;

import dev.kernelgate.execd.egress.vault.CredentialVault;
import dev.kernelgate.execd.egress.vault.VaultException;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /credential-vault}: create (201), read, patch (with {@code expectedRevision}: 409 when stale), delete (204),
 * and the sanitized credential and binding lists and items. Writes need the vault enabled and a token on the API
 * (else 412, as upstream). Errors are one line of plain text, as the policy API's; no body is ever logged.
 */
public final class VaultHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VaultHandler.class);

    private final CredentialVault vault;
    private final boolean enabled;
    private final boolean tokenSet;

    /**
     * @param enabled  whether this sidecar intercepts (started for a sandbox with {@code credentialProxy.enabled})
     * @param tokenSet whether the API requires a token (upstream refuses vault writes on an open API)
     */
    public VaultHandler(CredentialVault vault, boolean enabled, boolean tokenSet) {
        this.vault = vault;
        this.enabled = enabled;
        this.tokenSet = tokenSet;
    }

    public Response get(Request request) {
        return answer(() -> Responses.json(200, vault.state()));
    }

    public Response create(Request request) {
        return write(() -> {
            Response created = Responses.json(201, vault.create(request.bodyText()));
            LOG.info("credential vault created: revision 1");
            return created;
        });
    }

    public Response patch(Request request) {
        return write(() -> {
            var state = vault.patch(request.bodyText());
            LOG.info("credential vault patched: revision {}", state.path("revision").asLong());
            return Responses.json(200, state);
        });
    }

    public Response delete(Request request) {
        return write(() -> {
            vault.delete();
            LOG.info("credential vault deleted");
            return Responses.empty(204);
        });
    }

    public Response credentials(Request request) {
        return answer(() -> Responses.json(200, list("credentials")));
    }

    public Response bindings(Request request) {
        return answer(() -> Responses.json(200, list("bindings")));
    }

    public Response credential(Request request) {
        return answer(() -> item("credentials", request.pathParam("name"), "credential not found"));
    }

    public Response binding(Request request) {
        return answer(() -> item("bindings", request.pathParam("name"), "binding not found"));
    }

    /** {@code /credential-vault/_active}: upstream's internal route, never served over TCP. */
    public Response active(Request request) {
        return PlainTextErrors.text(403, "forbidden");
    }

    private com.fasterxml.jackson.databind.node.ObjectNode list(String field) {
        var state = vault.state();
        var out = state.objectNode().put("revision", state.path("revision").asLong());
        out.set(field, state.get(field));
        return out;
    }

    private Response item(String field, String name, String missing) {
        for (var node : vault.state().path(field)) {
            if (node.path("name").asText().equals(name.strip())) {
                return Responses.json(200, node);
            }
        }
        return PlainTextErrors.text(404, missing);
    }

    private Response write(Supplier<Response> work) {
        if (!enabled) {
            return PlainTextErrors.text(412, "credential vault is not enabled for this sandbox (create the sandbox "
                    + "with credentialProxy.enabled)");
        }
        if (!tokenSet) {
            return PlainTextErrors.text(412, "credential vault requires egress API auth token");
        }
        return answer(work);
    }

    private static Response answer(Supplier<Response> work) {
        try {
            return work.get();
        } catch (VaultException e) {
            return PlainTextErrors.text(e.status(), e.getMessage());
        }
    }
}
