package dev.kernelgate.runtime.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code [storage]}: host directories sandboxes may mount (an empty list refuses every host mount, as upstream),
 * the ossfs mount root and the default volume size.
 */
public record StorageSettings(List<Path> allowedHostPaths, Path ossfsMountRoot, String volumeDefaultSize) {
    public StorageSettings {
        allowedHostPaths = List.copyOf(allowedHostPaths);
    }

    public static StorageSettings defaults() {
        return new StorageSettings(List.of(), null, null);
    }
}
