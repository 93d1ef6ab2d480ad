package dev.kernelgate.execd.egress;

import java.util.function.UnaryOperator;

/**
 * The policy in force. Reads are lock-free (the DNS proxy reads it for every query, so a change applies to the next
 * query); changes are serialised, enforced below DNS first, and only then published.
 */
public final class PolicyState {
    private final PolicyEnforcer enforcer;
    private volatile EgressPolicy current;

    public PolicyState(EgressPolicy initial, PolicyEnforcer enforcer) {
        this.current = initial;
        this.enforcer = enforcer;
    }

    public EgressPolicy current() {
        return current;
    }

    /**
     * Replaces the policy with {@code change(current)}.
     *
     * @return the policy now in force
     * @throws PolicyException when the change refuses the current policy
     * @throws EnforcementException when it could not be enforced (the old policy stays)
     */
    public synchronized EgressPolicy update(UnaryOperator<EgressPolicy> change) {
        EgressPolicy next = change.apply(current);
        try {
            enforcer.apply(next);
        } catch (Exception e) {
            throw new EnforcementException(e);
        }
        current = next;
        return next;
    }

    /** The IP layer refused a policy. */
    public static final class EnforcementException extends RuntimeException {
        EnforcementException(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
