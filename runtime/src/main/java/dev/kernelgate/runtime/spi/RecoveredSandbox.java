package dev.kernelgate.runtime.spi;

/**
 * A sandbox found at start-up that the runtime still manages: its spec as far as the runtime persisted it
 * (id, image, entrypoint, metadata, createdAt, expiresAt at least) and its current state.
 */
public record RecoveredSandbox(SandboxSpec spec, SandboxStatus status) {
}
