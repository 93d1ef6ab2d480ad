package dev.kernelgate.runtime.docker;

import java.nio.file.Path;

/**
 * An assembled execd distribution on the host, bind-mounted read-only at {@value #MOUNT_POINT} in every sandbox:
 * <pre>
 *   bootstrap.sh        the container's entrypoint (upstream's bootstrap contract)
 *   distribution.env    facts the bootstrap checks the image against (the glibc loader the Java runtime needs)
 *   bin/execd           starts execd: the Java runtime below on the class path below
 *   jre/                a jlink'ed Java runtime
 *   lib/                the class path (the Kernelgate jar)
 * </pre>
 *
 * @param directory the host directory
 * @param key       the content hash it is stored under
 */
public record ExecdDistribution(Path directory, String key) {
    public static final String MOUNT_POINT = "/opt/kernelgate";
    public static final String BOOTSTRAP = MOUNT_POINT + "/bootstrap.sh";
    /** Exit code of the bootstrap for an image that cannot run the distribution (sysexits' EX_OSFILE). */
    public static final int INCOMPATIBLE_IMAGE_EXIT = 72;
}
