package dev.kernelgate.execd.egress;

import java.util.Locale;
import java.util.Objects;

/**
 * One egress rule: {@code allow} or {@code deny} to a target, which is a domain name (exact, or {@code *.suffix} for
 * every name below the suffix but not the suffix itself), an IP address, or a CIDR block.
 *
 * @param action {@code allow} or {@code deny} (lower case)
 * @param target the domain (lower case), address or block, trimmed
 */
public record EgressRule(String action, String target) {
    public static final String ALLOW = "allow";
    public static final String DENY = "deny";

    /** What a target names: the DNS proxy judges names, the IP layer judges addresses and blocks. */
    public enum Kind { DOMAIN, IP, CIDR }

    public EgressRule {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
    }

    /**
     * The rule as a request spelled it: action and target trimmed and lower-cased (a missing action means
     * {@code deny}, as upstream reads it).
     *
     * @throws PolicyException for an action other than allow/deny, an empty target or a malformed address block
     */
    public static EgressRule of(String action, String target) {
        String a = action == null ? "" : action.trim().toLowerCase(Locale.ROOT);
        if (a.isEmpty()) {
            a = DENY;
        }
        if (!a.equals(ALLOW) && !a.equals(DENY)) {
            throw new PolicyException("unsupported action \"" + action + "\" (allow or deny)");
        }
        String t = target == null ? "" : target.trim();
        if (t.isEmpty()) {
            throw new PolicyException("egress target cannot be empty");
        }
        EgressRule rule = new EgressRule(a, kindOf(t) == Kind.DOMAIN ? t.toLowerCase(Locale.ROOT) : t);
        if (rule.kind() == Kind.CIDR) {
            IpBlock.parse(t);
        }
        return rule;
    }

    public Kind kind() {
        return kindOf(target);
    }

    public boolean allows() {
        return action.equals(ALLOW);
    }

    private static Kind kindOf(String target) {
        if (IpBlock.isAddress(target)) {
            return Kind.IP;
        }
        return target.contains("/") ? Kind.CIDR : Kind.DOMAIN;
    }
}
