package dev.kernelgate.runtime.docker;

import java.util.regex.Pattern;

/** A whole Docker named volume mounted into a container (a volume's subPath is mounted as a {@link HostMount}). */
public record NamedVolumeMount(String volume, String containerPath, boolean readOnly) implements ContainerMount {
    /** The names the engine accepts for a volume (two characters at least). */
    static final Pattern ENGINE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

    public NamedVolumeMount {
        if (volume == null || !ENGINE_NAME.matcher(volume).matches()) {
            throw new IllegalArgumentException("not a Docker volume name: " + volume);
        }
        if (containerPath == null || !containerPath.startsWith("/")) {
            throw new IllegalArgumentException("a mount path inside the container must be absolute, not "
                    + containerPath);
        }
    }

    @Override
    public String source() {
        return volume;
    }
}
