package dev.kernelgate.execd.egress.vault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.execd.egress.EgressPolicy;
import dev.kernelgate.execd.egress.EgressRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The vault's state: credentials and bindings under one revision (1 on create, +1 per patch). Writes are serialised
 * and all-or-nothing (a patch is applied to a copy, validated, then published); the proxy reads the published
 * {@link ActiveVault} with one volatile load, so a change applies to the next request. Upstream's validation: every
 * binding's credentials exist, its hosts are covered by an explicit allow rule of the current policy, its ports are
 * intercepted, and no two bindings can match the same request at the same precedence.
 */
public final class CredentialVault {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<Integer> interceptPorts;
    private final Supplier<EgressPolicy> policy;
    private boolean exists;
    private long revision;
    private Map<String, Credential> credentials = new TreeMap<>();
    private Map<String, Binding> bindings = new TreeMap<>();
    private volatile ActiveVault active = ActiveVault.EMPTY;

    /**
     * @param interceptPorts the ports the sidecar redirects to its proxy (what a binding may name)
     * @param policy         the policy in force, read at each write
     */
    public CredentialVault(Set<Integer> interceptPorts, Supplier<EgressPolicy> policy) {
        this.interceptPorts = Set.copyOf(interceptPorts);
        this.policy = policy;
    }

    /** What the proxy applies now (empty when there is no vault). */
    public ActiveVault active() {
        return active;
    }

    /** POST: a new vault at revision 1; 409 when one exists. */
    public synchronized ObjectNode create(String body) {
        if (exists) {
            throw new VaultException(409, "credential vault already exists");
        }
        VaultRequests.Create request = VaultRequests.create(body);
        Map<String, Credential> nextCredentials = new TreeMap<>();
        for (Credential c : request.credentials()) {
            if (nextCredentials.put(c.name(), c) != null) {
                throw VaultException.invalid("duplicate credential name \"" + c.name() + "\"");
            }
        }
        Map<String, Binding> nextBindings = new TreeMap<>();
        for (Binding b : request.bindings()) {
            if (nextBindings.put(b.name(), b) != null) {
                throw VaultException.invalid("duplicate binding name \"" + b.name() + "\"");
            }
        }
        validate(nextCredentials, nextBindings);
        publish(1, nextCredentials, nextBindings);
        return state();
    }

    /** PATCH: deletes, then replaces, then adds, for credentials and bindings; 409 on a stale expectedRevision. */
    public synchronized ObjectNode patch(String body) {
        VaultRequests.Patch request = VaultRequests.patch(body, revision + 1);
        if (!exists) {
            throw new VaultException(404, "credential vault not found");
        }
        if (request.expectedRevision() != null && request.expectedRevision() != revision) {
            throw new VaultException(409, "expectedRevision " + request.expectedRevision()
                    + " does not match current revision " + revision);
        }
        Map<String, Credential> nextCredentials = new TreeMap<>(credentials);
        Map<String, Binding> nextBindings = new TreeMap<>(bindings);
        apply(nextCredentials, request.credentials(), Credential::name, "credential");
        apply(nextBindings, request.bindings(), Binding::name, "binding");
        validate(nextCredentials, nextBindings);
        publish(revision + 1, nextCredentials, nextBindings);
        return state();
    }

    /** DELETE: no vault, nothing injected; 404 when there is none. */
    public synchronized void delete() {
        if (!exists) {
            throw new VaultException(404, "credential vault not found");
        }
        exists = false;
        revision = 0;
        credentials = new TreeMap<>();
        bindings = new TreeMap<>();
        active = ActiveVault.EMPTY;
    }

    /** The sanitized state (names, sources, revisions, matches, auth types and header names; never a value). */
    public synchronized ObjectNode state() {
        if (!exists) {
            throw new VaultException(404, "credential vault not found");
        }
        ObjectNode state = JSON.createObjectNode().put("revision", revision);
        ArrayNode creds = state.putArray("credentials");
        credentials.values().forEach(c -> creds.add(credentialJson(c)));
        ArrayNode binds = state.putArray("bindings");
        bindings.values().forEach(b -> binds.add(bindingJson(b)));
        return state;
    }

    private ObjectNode credentialJson(Credential c) {
        return JSON.createObjectNode().put("name", c.name()).put("sourceType", c.sourceType())
                .put("revision", c.revision());
    }

    private ObjectNode bindingJson(Binding b) {
        ObjectNode node = JSON.createObjectNode().put("name", b.name()).put("revision", revision);
        node.set("match", JSON.valueToTree(b.match()));
        ObjectNode auth = node.putObject("auth").put("type", b.auth().type());
        if (b.auth().type().equals(Auth.API_KEY)) {
            auth.put("name", b.auth().name());
        }
        return node;
    }

    private interface Named<T> {
        String name(T value);
    }

    private static <T> void apply(Map<String, T> target, VaultRequests.Mutations<T> m, Named<T> named, String kind) {
        Set<String> mentioned = new LinkedHashSet<>();
        for (String name : m.delete()) {
            if (name.isEmpty()) {
                throw VaultException.invalid(kind + " delete name cannot be blank");
            }
            once(mentioned, name, kind);
            if (target.remove(name) == null) {
                throw VaultException.invalid(kind + " \"" + name + "\" does not exist");
            }
        }
        for (T value : m.replace()) {
            String name = named.name(value);
            once(mentioned, name, kind);
            if (!target.containsKey(name)) {
                throw VaultException.invalid(kind + " \"" + name + "\" does not exist");
            }
            target.put(name, value);
        }
        for (T value : m.add()) {
            String name = named.name(value);
            once(mentioned, name, kind);
            if (target.putIfAbsent(name, value) != null) {
                throw VaultException.invalid(kind + " \"" + name + "\" already exists");
            }
        }
    }

    private static void once(Set<String> mentioned, String name, String kind) {
        if (!mentioned.add(name)) {
            throw VaultException.invalid(kind + " \"" + name + "\" mentioned by multiple operations");
        }
    }

    /**
     * Refuses a policy change that would leave a binding's host without its explicit allow rule (upstream checks
     * every policy write against the vault).
     *
     * @throws VaultException 400
     */
    public synchronized void checkPolicy(EgressPolicy next) {
        if (exists && !bindings.isEmpty()) {
            validate(credentials, bindings, next);
        }
    }

    private void validate(Map<String, Credential> nextCredentials, Map<String, Binding> nextBindings) {
        validate(nextCredentials, nextBindings, policy.get());
    }

    private void validate(Map<String, Credential> nextCredentials, Map<String, Binding> nextBindings,
                          EgressPolicy current) {
        if (!nextBindings.isEmpty() && current.egress().isEmpty()) {
            throw VaultException.invalid("credential bindings require explicit networkPolicy.egress allow rules");
        }
        for (Binding b : nextBindings.values()) {
            for (String ref : b.auth().credentials()) {
                if (!nextCredentials.containsKey(ref)) {
                    throw VaultException.invalid("binding \"" + b.name() + "\" references unknown credential \""
                            + ref + "\"");
                }
            }
            for (int port : b.match().ports()) {
                if (!interceptPorts.contains(port)) {
                    throw VaultException.invalid("binding \"" + b.name() + "\" port " + port + " is not a configured "
                            + "transparent intercept port " + interceptPorts);
                }
            }
            for (String host : b.match().hosts()) {
                if (!explicitlyAllowed(current, host)) {
                    throw VaultException.invalid("binding \"" + b.name() + "\" host \"" + host + "\" is not covered "
                            + "by an explicit allow egress rule");
                }
            }
        }
        List<Binding> list = new ArrayList<>(nextBindings.values());
        for (int i = 0; i < list.size(); i++) {
            for (int j = i + 1; j < list.size(); j++) {
                if (BindingOverlap.ambiguous(list.get(i).match(), list.get(j).match())) {
                    throw VaultException.invalid("bindings \"" + list.get(i).name() + "\" and \"" + list.get(j).name()
                            + "\" can match the same request");
                }
            }
        }
    }

    /** Upstream's rule: an allow rule names the host (or a wildcard above it), and the policy allows it. */
    private static boolean explicitlyAllowed(EgressPolicy p, String host) {
        String probe = host.startsWith("*.") ? "probe." + host.substring(2) : host;
        boolean named = false;
        for (EgressRule rule : p.egress()) {
            if (!rule.allows()) {
                continue;
            }
            String target = rule.target().strip().toLowerCase(Locale.ROOT);
            target = target.endsWith(".") ? target.substring(0, target.length() - 1) : target;
            named |= target.equals(host) || target.startsWith("*.") && host.endsWith(target.substring(1))
                    && !host.equals(target.substring(2));
        }
        return named && p.allows(probe);
    }

    private void publish(long nextRevision, Map<String, Credential> nextCredentials,
                         Map<String, Binding> nextBindings) {
        List<ActiveVault.ActiveBinding> rendered = new ArrayList<>();
        Set<String> redactions = new LinkedHashSet<>();
        for (Binding b : nextBindings.values()) {
            List<ActiveVault.Header> headers = HeaderRenderer.render(b.auth(), nextCredentials);
            rendered.add(new ActiveVault.ActiveBinding(b.name(), b.match(), headers));
            for (String ref : b.auth().credentials()) {
                redactions.add(nextCredentials.get(ref).value());
            }
            headers.forEach(h -> redactions.add(h.value()));
        }
        exists = true;
        revision = nextRevision;
        credentials = nextCredentials;
        bindings = nextBindings;
        // longest first, so a rendered value ("Bearer x") is redacted whole before its secret alone
        active = new ActiveVault(nextRevision, rendered, redactions.stream()
                .sorted((a, b) -> Integer.compare(b.length(), a.length())).toList());
    }
}
