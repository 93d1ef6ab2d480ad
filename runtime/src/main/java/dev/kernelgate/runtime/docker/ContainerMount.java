package dev.kernelgate.runtime.docker;

/** Something mounted into a sandbox container besides the execd distribution: a host path or a named volume. */
public interface ContainerMount {
    /** What the engine mounts: an absolute host path, or a volume's name. */
    String source();

    /** Where, inside the container (absolute). */
    String containerPath();

    boolean readOnly();
}
