package dev.kernelgate.runtime.spi;

/**
 * A state with upstream's {@code reason} (a short CamelCase word) and human {@code message}; both may be null.
 */
public record SandboxStatus(SandboxState state, String reason, String message) {

    public static SandboxStatus of(SandboxState state) {
        return new SandboxStatus(state, null, null);
    }

    public static SandboxStatus failed(String reason, String message) {
        return new SandboxStatus(SandboxState.FAILED, reason, message);
    }
}
