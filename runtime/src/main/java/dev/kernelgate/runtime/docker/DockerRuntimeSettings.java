package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.HostPathPolicy;

/**
 * The parts of {@code [docker]} (and {@code [server] eip}) the runtime applies to every sandbox.
 *
 * @param network        network mode of every sandbox
 * @param security       hardening of every container
 * @param hostPaths      which host paths volumes may mount
 * @param advertisedHost the host name endpoints carry (127.0.0.1 unless {@code host_ip} or {@code eip} say otherwise)
 */
public record DockerRuntimeSettings(NetworkMode network, ContainerSecurity security, HostPathPolicy hostPaths,
                                    String advertisedHost) {
}
