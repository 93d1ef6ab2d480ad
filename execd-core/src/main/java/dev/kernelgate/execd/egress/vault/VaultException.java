package dev.kernelgate.execd.egress.vault;

/**
 * A vault request refused, with upstream's status: 400 bad input, 404 no vault, 409 a vault exists already or the
 * {@code expectedRevision} is stale, 412 the vault is not enabled. Messages never carry a secret value.
 */
public final class VaultException extends RuntimeException {
    private final int status;

    public VaultException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static VaultException invalid(String message) {
        return new VaultException(400, message);
    }
}
