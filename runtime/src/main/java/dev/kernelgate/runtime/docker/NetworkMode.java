package dev.kernelgate.runtime.docker;

import java.util.Locale;

/**
 * How a sandbox container is networked ({@code [docker] network_mode}).
 *
 * <ul>
 *   <li>{@code host}: the host's network; execd listens on a port picked free for each sandbox, reached at
 *       {@code 127.0.0.1:<port>}.</li>
 *   <li>{@code none}: no network at all besides the container's own loopback; execd cannot be reached from outside,
 *       so only useful for containers driven through the engine.</li>
 *   <li>{@code bridge}: the engine's bridge; execd's port is published on 127.0.0.1 only (never on every address)
 *       and every other port is reached through execd's {@code /proxy/{port}}.</li>
 * </ul>
 */
public enum NetworkMode {
    HOST, NONE, BRIDGE;

    /** The engine's name for this mode. */
    public String engineName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NetworkMode parse(String value) {
        if (value == null || value.isBlank()) {
            return HOST;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "host" -> HOST;
            case "none" -> NONE;
            case "bridge" -> BRIDGE;
            default -> throw new IllegalArgumentException(
                    "[docker] network_mode = \"" + value + "\" is not supported; use host, bridge or none");
        };
    }
}
