package dev.kernelgate.execd.egress;

/**
 * Puts a policy into effect below DNS (the IP layer, in {@code dns+nft} mode) before the API reports it taken; a
 * failure leaves the previous policy in force and fails the request with 500.
 */
@FunctionalInterface
public interface PolicyEnforcer {
    /** {@code dns} mode: the DNS proxy alone enforces, reading the current policy on every query. */
    PolicyEnforcer DNS_ONLY = policy -> { };

    void apply(EgressPolicy policy) throws Exception;
}
