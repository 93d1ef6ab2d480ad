package dev.kernelgate.kernelspecs;

import java.util.Locale;
import java.util.Optional;

/**
 * How a kernel is interrupted, the kernelspec's {@code interrupt_mode}: by a {@code SIGINT} to its process
 * ({@link #SIGNAL}, Jupyter's default) or by an {@code interrupt_request} on the control channel ({@link #MESSAGE}).
 */
public enum InterruptMode {
    SIGNAL("signal"),
    MESSAGE("message");

    private final String json;

    InterruptMode(String json) {
        this.json = json;
    }

    /** The value as written in kernel.json and in the REST API: {@code "signal"} or {@code "message"}. */
    public String json() {
        return json;
    }

    /** Parses a kernel.json value, case-insensitively like jupyter_client; empty if it is neither mode. */
    public static Optional<InterruptMode> fromJson(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String lower = value.toLowerCase(Locale.ROOT);
        for (InterruptMode mode : values()) {
            if (mode.json.equals(lower)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return json;
    }
}
