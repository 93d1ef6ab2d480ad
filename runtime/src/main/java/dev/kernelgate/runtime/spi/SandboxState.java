package dev.kernelgate.runtime.spi;

/** Upstream's sandbox states, spelled as on the wire by {@link #wire()}. */
public enum SandboxState {
    PENDING("Pending"),
    RUNNING("Running"),
    PAUSING("Pausing"),
    PAUSED("Paused"),
    RESUMING("Resuming"),
    STOPPING("Stopping"),
    TERMINATED("Terminated"),
    FAILED("Failed"),
    UNKNOWN("Unknown");

    private final String wire;

    SandboxState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The state named {@code name} on the wire, case-insensitively; null when there is none. */
    public static SandboxState fromWire(String name) {
        for (SandboxState s : values()) {
            if (s.wire.equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }

    /** Terminated and Failed sandboxes never change again. */
    public boolean isFinal() {
        return this == TERMINATED || this == FAILED;
    }
}
