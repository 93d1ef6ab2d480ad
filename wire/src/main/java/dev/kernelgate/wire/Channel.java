package dev.kernelgate.wire;

import java.util.Locale;

/** The five Jupyter channels; {@link #wireName()} is the name used on WebSockets and in connection files. */
public enum Channel {
    SHELL, CONTROL, STDIN, IOPUB, HB;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    /** The channel for a WebSocket {@code channel} value, or null when there is none by that name. */
    public static Channel fromWireName(String name) {
        if (name == null) {
            return null;
        }
        return switch (name) {
            case "shell" -> SHELL;
            case "control" -> CONTROL;
            case "stdin" -> STDIN;
            case "iopub" -> IOPUB;
            case "hb" -> HB;
            default -> null;
        };
    }
}
