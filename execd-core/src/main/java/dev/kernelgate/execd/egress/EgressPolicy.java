package dev.kernelgate.execd.egress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Upstream's {@code networkPolicy}: a default action and an ordered rule list. A name is judged by the first domain
 * rule that matches it (an exact target equal to the name, or a {@code *.suffix} target for a name below the
 * suffix), else by the default; IP and CIDR rules are for the IP layer only.
 *
 * @param defaultAction {@code allow} or {@code deny}
 * @param egress        the rules, in order, no two with the same target
 */
public record EgressPolicy(String defaultAction, List<EgressRule> egress) {
    /** Upstream's policy for an empty body or none: deny everything. */
    public static final EgressPolicy DENY_ALL = new EgressPolicy(EgressRule.DENY, List.of());

    public EgressPolicy {
        egress = List.copyOf(egress);
    }

    /**
     * A policy object, strictly: only {@code defaultAction} (allow|deny, deny when absent or empty) and
     * {@code egress} (an array of rules) are taken; a JSON {@code null} or {@code {}} is {@link #DENY_ALL}.
     *
     * @throws PolicyException naming what is wrong
     */
    public static EgressPolicy parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return DENY_ALL;
        }
        if (!node.isObject()) {
            throw new PolicyException("a policy must be a JSON object {\"defaultAction\":...,\"egress\":[...]}");
        }
        onlyFields(node, "policy", Set.of("defaultAction", "egress"));
        JsonNode def = node.path("defaultAction");
        if (!def.isMissingNode() && !def.isNull() && !def.isTextual()) {
            throw new PolicyException("defaultAction must be a string (allow or deny)");
        }
        String action = def.asText("").trim().toLowerCase(Locale.ROOT);
        if (action.isEmpty()) {
            action = EgressRule.DENY;
        }
        if (!action.equals(EgressRule.ALLOW) && !action.equals(EgressRule.DENY)) {
            throw new PolicyException("unsupported defaultAction \"" + def.asText() + "\" (allow or deny)");
        }
        JsonNode rules = node.path("egress");
        return new EgressPolicy(action, rules.isMissingNode() || rules.isNull() ? List.of() : parseRules(rules));
    }

    /** A JSON array of {@code {action, target}} rules, strictly; a later rule for a target already seen is dropped. */
    public static List<EgressRule> parseRules(JsonNode node) {
        if (!node.isArray()) {
            throw new PolicyException("egress rules must be a JSON array of {\"action\":...,\"target\":...}");
        }
        List<EgressRule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode rule : node) {
            if (!rule.isObject()) {
                throw new PolicyException("egress[" + i + "] must be an object {\"action\":...,\"target\":...}");
            }
            onlyFields(rule, "egress[" + i + "]", Set.of("action", "target"));
            for (String field : List.of("action", "target")) {
                JsonNode value = rule.path(field);
                if (!value.isMissingNode() && !value.isNull() && !value.isTextual()) {
                    throw new PolicyException("egress[" + i + "]." + field + " must be a string");
                }
            }
            try {
                rules.add(EgressRule.of(rule.path("action").asText(null), rule.path("target").asText(null)));
            } catch (PolicyException e) {
                throw new PolicyException("egress[" + i + "]: " + e.getMessage());
            }
            i++;
        }
        return dedupe(rules);
    }

    private static void onlyFields(JsonNode node, String where, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new PolicyException("unknown field \"" + name + "\" in " + where + " (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** Rules keyed by target (case-insensitively), the first of each kept. */
    private static List<EgressRule> dedupe(List<EgressRule> rules) {
        Map<String, EgressRule> byTarget = new LinkedHashMap<>();
        for (EgressRule rule : rules) {
            byTarget.putIfAbsent(rule.target().toLowerCase(Locale.ROOT), rule);
        }
        return List.copyOf(byTarget.values());
    }

    /** {@code allow} or {@code deny} for a DNS name (with or without the trailing dot, any case). */
    public String evaluate(String name) {
        String domain = name.toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        for (EgressRule rule : egress) {
            if (rule.kind() == EgressRule.Kind.DOMAIN && matches(rule.target(), domain)) {
                return rule.action();
            }
        }
        return defaultAction;
    }

    public boolean allows(String name) {
        return evaluate(name).equals(EgressRule.ALLOW);
    }

    private static boolean matches(String pattern, String domain) {
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1);
            return domain.endsWith(suffix) && domain.length() > suffix.length();
        }
        return pattern.equals(domain);
    }

    /** PATCH: the given rules first (they win for their targets), then the current rules for other targets. */
    public EgressPolicy patched(List<EgressRule> rules) {
        List<EgressRule> merged = new ArrayList<>(rules);
        merged.addAll(egress);
        return new EgressPolicy(defaultAction, dedupe(merged));
    }

    /** DELETE: without the rules for these targets (case-insensitively); unknown targets are ignored. */
    public EgressPolicy without(List<String> targets) {
        Set<String> drop = new java.util.HashSet<>();
        targets.forEach(t -> drop.add(t.trim().toLowerCase(Locale.ROOT)));
        return new EgressPolicy(defaultAction,
                egress.stream().filter(r -> !drop.contains(r.target().toLowerCase(Locale.ROOT))).toList());
    }

    /** Upstream's summary: {@code allow_all} or {@code deny_all} without rules, else {@code enforcing}. */
    public String mode() {
        if (!egress.isEmpty()) {
            return "enforcing";
        }
        return defaultAction.equals(EgressRule.ALLOW) ? "allow_all" : "deny_all";
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("defaultAction", defaultAction);
        ArrayNode rules = node.putArray("egress");
        egress.forEach(r -> rules.addObject().put("action", r.action()).put("target", r.target()));
        return node;
    }
}
