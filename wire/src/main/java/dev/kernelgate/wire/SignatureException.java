package dev.kernelgate.wire;

/** A message whose HMAC is missing, wrong, or was already seen (a replay). */
public final class SignatureException extends WireException {
    /** Why the signature was refused. */
    public enum Kind { MISSING, INVALID, DUPLICATE }

    private final Kind kind;

    public SignatureException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
