package dev.kernelgate.runtime.docker;

import java.nio.file.Path;
import java.util.Objects;

/** A host directory or file bind-mounted into a container. */
public record HostMount(Path hostPath, String containerPath, boolean readOnly) {
    public HostMount {
        Objects.requireNonNull(hostPath, "hostPath");
        if (containerPath == null || !containerPath.startsWith("/")) {
            throw new IllegalArgumentException("a mount path inside the container must be absolute, not " + containerPath);
        }
    }
}
