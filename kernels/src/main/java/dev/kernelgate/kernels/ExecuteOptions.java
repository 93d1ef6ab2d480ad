package dev.kernelgate.kernels;

import java.time.Duration;

/** The flags of an execute_request and how long to wait for its reply and final idle status. */
public record ExecuteOptions(boolean silent, boolean storeHistory, boolean allowStdin, boolean stopOnError,
                             Duration timeout) {
    public static ExecuteOptions defaults() {
        return new ExecuteOptions(false, true, false, true, Duration.ofMinutes(10));
    }

    public ExecuteOptions withAllowStdin(boolean allow) {
        return new ExecuteOptions(silent, storeHistory, allow, stopOnError, timeout);
    }

    public ExecuteOptions withStopOnError(boolean stop) {
        return new ExecuteOptions(silent, storeHistory, allowStdin, stop, timeout);
    }

    public ExecuteOptions withTimeout(Duration t) {
        return new ExecuteOptions(silent, storeHistory, allowStdin, stopOnError, t);
    }
}
