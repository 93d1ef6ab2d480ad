package dev.kernelgate.execd.egress;

/** A policy or rule list that cannot be taken; the message says why, for a 400 answer. */
public final class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }
}
