package dev.kernelgate.runtime;

import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import java.time.Instant;
import java.util.Map;

/**
 * What the server knows of one sandbox at a moment: the spec it was created with, and what changed since (status,
 * deadline, metadata). Replaced as a whole on every change.
 */
public record SandboxRecord(SandboxSpec spec, SandboxStatus status, Instant lastTransitionAt, Instant expiresAt,
                            Map<String, String> metadata) {
    public SandboxRecord {
        metadata = Map.copyOf(metadata);
    }

    static SandboxRecord pending(SandboxSpec spec) {
        return new SandboxRecord(spec, SandboxStatus.of(SandboxState.PENDING), spec.createdAt(), spec.expiresAt(),
                spec.metadata());
    }

    public String id() {
        return spec.id();
    }

    public SandboxState state() {
        return status.state();
    }

    /** This record with {@code next} as status; the transition time moves only when the state changes. */
    SandboxRecord withStatus(SandboxStatus next, Instant now) {
        Instant at = next.state() == status.state() ? lastTransitionAt : now;
        return new SandboxRecord(spec, next, at, expiresAt, metadata);
    }

    SandboxRecord withExpiresAt(Instant at) {
        return new SandboxRecord(spec, status, lastTransitionAt, at, metadata);
    }

    SandboxRecord withMetadata(Map<String, String> m) {
        return new SandboxRecord(spec, status, lastTransitionAt, expiresAt, m);
    }
}
