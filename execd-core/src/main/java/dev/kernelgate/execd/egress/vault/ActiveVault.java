package dev.kernelgate.execd.egress.vault;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the proxy reads for every request: the bindings with their headers rendered, and the secret values to redact
 * from response headers. Immutable; the vault publishes a new one with each change.
 */
public record ActiveVault(long revision, List<ActiveBinding> bindings, List<String> redactions) {
    public static final ActiveVault EMPTY = new ActiveVault(0, List.of(), List.of());

    public ActiveVault {
        bindings = List.copyOf(bindings);
        redactions = List.copyOf(redactions);
    }

    /** A binding ready to inject. */
    public record ActiveBinding(String name, Match match, List<Header> headers) {
        @Override
        public String toString() {
            return "ActiveBinding[" + name + "]";
        }
    }

    /** One header to set; its value is a secret. */
    public record Header(String name, String value) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The outcome of matching one request. */
    public sealed interface Selection {
    }

    /** No binding applies: the request goes out unchanged. */
    public record None() implements Selection {
    }

    /** Exactly one binding at the highest precedence applies. */
    public record Selected(ActiveBinding binding) implements Selection {
    }

    /** Several bindings at the same precedence apply: upstream refuses the request (403). */
    public record Ambiguous() implements Selection {
    }

    /**
     * Upstream's selection: the bindings that match, the highest host precedence (an exact host over a wildcard),
     * and exactly one of those.
     *
     * @param host lower case, without port; a trailing dot is ignored
     * @param path with or without its query
     */
    public Selection select(String scheme, String host, int port, String method, String path) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        int query = path.indexOf('?');
        String p = query < 0 ? path : path.substring(0, query);
        p = p.isEmpty() ? "/" : p;
        int best = 0;
        List<ActiveBinding> selected = new ArrayList<>();
        for (ActiveBinding binding : bindings) {
            int precedence = binding.match().precedence(scheme, h, port, method, p);
            if (precedence > best) {
                best = precedence;
                selected.clear();
            }
            if (precedence > 0 && precedence == best) {
                selected.add(binding);
            }
        }
        if (selected.isEmpty()) {
            return new None();
        }
        return selected.size() == 1 ? new Selected(selected.get(0)) : new Ambiguous();
    }

    /** Whether some binding could apply to HTTPS to {@code host:port}: only then is that connection intercepted. */
    public boolean intercepts(String host, int port) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        for (ActiveBinding binding : bindings) {
            Match m = binding.match();
            if (m.schemes().contains("https") && m.ports().contains(port) && m.hostPrecedence(h) > 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} with every secret value replaced by {@code [REDACTED]}. */
    public String redact(String text) {
        String out = text;
        for (String value : redactions) {
            out = out.replace(value, "[REDACTED]");
        }
        return out;
    }

    @Override
    public String toString() {
        return "ActiveVault[revision=" + revision + ", bindings=" + bindings + "]";
    }
}
