package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.HostPathPolicy;
import java.nio.file.Path;

/**
 * The parts of {@code [docker]} (and {@code [server] eip}) the runtime applies to every sandbox.
 *
 * @param network        network mode of every sandbox
 * @param security       hardening of every container
 * @param hostPaths      which host paths volumes may mount
 * @param advertisedHost the host name endpoints carry (127.0.0.1 unless {@code host_ip} or {@code eip} say otherwise)
 * @param execdLogDir    host directory whose {@code <sandbox id>} subdirectory each sandbox gets at
 *                       {@code /var/log/execd} ({@code [docker] execd_log_dir}), or null
 */
public record DockerRuntimeSettings(NetworkMode network, ContainerSecurity security, HostPathPolicy hostPaths,
                                    String advertisedHost, Path execdLogDir) {

    /** Where execd writes its log in every sandbox (the bootstrap's default {@code EXECD_LOG_FILE} directory). */
    public static final String EXECD_LOG_MOUNT = "/var/log/execd";

    /** Without an execd log directory. */
    public DockerRuntimeSettings(NetworkMode network, ContainerSecurity security, HostPathPolicy hostPaths,
                                 String advertisedHost) {
        this(network, security, hostPaths, advertisedHost, null);
    }
}
