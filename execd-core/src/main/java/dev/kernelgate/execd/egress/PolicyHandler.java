package dev.kernelgate.execd.egress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.execd.egress.vault.VaultException;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /policy}: read, replace (POST/PUT; an empty body resets to deny-all), merge rules in (PATCH: a rule array),
 * and remove rules by target (DELETE: an array of targets). Upstream's status bodies on success, one line of plain
 * text with 400 on a body that cannot be taken (malformed JSON, unknown fields, bad actions or targets).
 */
public final class PolicyHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyHandler.class);
    /** Upstream's default cap on the rules of one policy ({@code OPENSANDBOX_EGRESS_MAX_RULES}). */
    public static final int DEFAULT_MAX_RULES = 4096;

    private final PolicyState state;
    private final String enforcementMode;
    private final int maxRules;
    private final Consumer<EgressPolicy> check;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ObjectReader reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * @param enforcementMode {@code dns} or {@code dns+nft}, reported as upstream does
     * @param maxRules        most rules a policy may hold after a change; 0 for no limit
     * @param check           judges a policy before it is taken (the credential vault's bindings need their allow
     *                        rules); throws {@link VaultException} to refuse it with 400
     */
    public PolicyHandler(PolicyState state, String enforcementMode, int maxRules, Consumer<EgressPolicy> check) {
        this.state = state;
        this.enforcementMode = enforcementMode;
        this.maxRules = maxRules;
        this.check = check;
    }

    public Response get(Request request) {
        EgressPolicy current = state.current();
        ObjectNode body = status(current.mode());
        body.set("policy", current.toJson());
        return Responses.json(200, body);
    }

    public Response replace(Request request) {
        String body = request.bodyText().strip();
        if (body.isEmpty()) {
            return changed(request, current -> EgressPolicy.DENY_ALL, after -> mapper.createObjectNode()
                    .put("status", "ok").put("mode", "deny_all").put("reason", "policy reset to default deny-all"));
        }
        EgressPolicy parsed;
        try {
            parsed = EgressPolicy.parse(read(body));
        } catch (PolicyException e) {
            return badRequest("invalid policy: " + e.getMessage());
        }
        return changed(request, current -> parsed, after -> status(after.mode()));
    }

    public Response patch(Request request) {
        String body = request.bodyText().strip();
        if (body.isEmpty()) {
            return badRequest("empty body");
        }
        List<EgressRule> rules;
        try {
            rules = EgressPolicy.parseRules(read(body));
        } catch (PolicyException e) {
            return badRequest("invalid patch rules: " + e.getMessage());
        }
        if (rules.isEmpty()) {
            return badRequest("invalid patch rules: empty array");
        }
        return changed(request, current -> current.patched(rules), after -> status(after.mode()));
    }

    public Response delete(Request request) {
        String body = request.bodyText().strip();
        if (body.isEmpty()) {
            return badRequest("empty body");
        }
        List<String> targets = new ArrayList<>();
        try {
            JsonNode node = read(body);
            if (!node.isArray()) {
                throw new PolicyException("the body must be a JSON array of targets, e.g. [\"example.com\"]");
            }
            for (JsonNode target : node) {
                if (!target.isTextual()) {
                    throw new PolicyException("every target must be a string, not " + target);
                }
                targets.add(target.asText());
            }
        } catch (PolicyException e) {
            return badRequest("invalid delete targets: " + e.getMessage());
        }
        if (targets.isEmpty()) {
            return badRequest("invalid delete targets: empty array");
        }
        int before = state.current().egress().size();
        return changed(request, current -> current.without(targets), after -> {
            ObjectNode status = status(after.mode());
            return after.egress().size() == before ? status.put("reason", "no matching targets found") : status;
        });
    }

    /** Applies a change off the event loop (enforcing it may run commands) and answers with {@code answer(after)}. */
    private Response changed(Request request, UnaryOperator<EgressPolicy> change,
                             Function<EgressPolicy, ObjectNode> answer) {
        return request.offload(() -> {
            EgressPolicy after;
            try {
                after = state.update(current -> {
                    EgressPolicy next = limited(change.apply(current));
                    check.accept(next);
                    return next;
                });
            } catch (TooManyRules e) {
                return PlainTextErrors.text(413, e.getMessage());
            } catch (VaultException e) {
                return PlainTextErrors.text(400, "credential vault policy validation: " + e.getMessage());
            } catch (PolicyState.EnforcementException e) {
                LOG.error("egress policy could not be enforced: {}", e.getMessage(), e);
                return PlainTextErrors.text(500, "failed to apply nftables policy: " + e.getMessage());
            }
            LOG.info("egress policy updated: default {}, {} rule(s)", after.defaultAction(), after.egress().size());
            return Responses.json(200, answer.apply(after));
        });
    }

    private EgressPolicy limited(EgressPolicy policy) {
        if (maxRules > 0 && policy.egress().size() > maxRules) {
            throw new TooManyRules("egress rule total count " + policy.egress().size() + " exceeds limit "
                    + maxRules);
        }
        return policy;
    }

    private ObjectNode status(String mode) {
        return mapper.createObjectNode().put("status", "ok").put("mode", mode).put("enforcementMode", enforcementMode);
    }

    private JsonNode read(String body) {
        try {
            return reader.readTree(body);
        } catch (JsonProcessingException e) {
            throw new PolicyException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static Response badRequest(String message) {
        return PlainTextErrors.text(400, message);
    }

    /** A change would leave more rules than the limit: 413, as upstream. */
    private static final class TooManyRules extends RuntimeException {
        TooManyRules(String message) {
            super(message);
        }
    }
}
