package dev.kernelgate.kernels;

/** A kernel could not be started; {@link #reason()} says why, the message says what to do about it. */
public final class KernelStartException extends RuntimeException {
    /** Why a start failed. */
    public enum Reason { NO_SUCH_SPEC, NOT_LAUNCHABLE, EXECUTABLE_NOT_FOUND, PROCESS_EXITED, TIMEOUT, IO }

    private final Reason reason;

    public KernelStartException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KernelStartException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
