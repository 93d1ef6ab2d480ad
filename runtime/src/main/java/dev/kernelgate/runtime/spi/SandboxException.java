package dev.kernelgate.runtime.spi;

/**
 * A failure with upstream's namespaced error code (e.g. {@code SANDBOX::NOT_FOUND},
 * {@code DOCKER::SANDBOX_EXECD_START_FAILED}) and the HTTP status the API answers with.
 */
public final class SandboxException extends RuntimeException {
    private final int status;
    private final String code;

    public SandboxException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public SandboxException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
