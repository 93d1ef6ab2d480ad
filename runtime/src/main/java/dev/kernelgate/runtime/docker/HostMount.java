package dev.kernelgate.runtime.docker;

import java.nio.file.Path;
import java.util.Objects;

/** A host directory or file bind-mounted into a container. */
public record HostMount(Path hostPath, String containerPath, boolean readOnly) implements ContainerMount {
    public HostMount {
        Objects.requireNonNull(hostPath, "hostPath");
        if (!hostPath.isAbsolute()) {
            throw new IllegalArgumentException("a host path to mount must be absolute, not " + hostPath);
        }
        if (containerPath == null || !containerPath.startsWith("/")) {
            throw new IllegalArgumentException("a mount path inside the container must be absolute, not "
                    + containerPath);
        }
    }

    @Override
    public String source() {
        return hostPath.toString();
    }
}
