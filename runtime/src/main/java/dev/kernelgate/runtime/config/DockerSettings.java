package dev.kernelgate.runtime.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code [docker]}, upstream's keys ({@code allowed_host_paths} here too, as published guides put it; it joins
 * {@code [storage] allowed_host_paths}).
 *
 * @param networkMode     {@code host} (default), {@code bridge} or {@code none}
 * @param apiTimeout      seconds for engine calls
 * @param hostIp          the address advertised in bridge-mode endpoints, or null
 * @param seccompProfile  "" for the engine default, else a path or profile name
 * @param pidsLimit       0 for none
 * @param host            the engine's address ({@code unix:///...}, {@code tcp://...}); null for {@code DOCKER_HOST},
 *                        else {@code unix:///var/run/docker.sock}
 * @param execdLogDir     ours: a host directory; each sandbox's {@code /var/log/execd} is bind-mounted from
 *                        {@code <dir>/<sandbox id>} so a node's log collector can tail execd's log; null for none
 */
public record DockerSettings(String networkMode, int apiTimeout, String hostIp, List<String> dropCapabilities,
                             boolean noNewPrivileges, String apparmorProfile, String seccompProfile, long pidsLimit,
                             List<Path> allowedHostPaths, String host, Path execdLogDir) {
    public DockerSettings {
        dropCapabilities = List.copyOf(dropCapabilities);
        allowedHostPaths = List.copyOf(allowedHostPaths);
    }

    /** Without an execd log directory. */
    public DockerSettings(String networkMode, int apiTimeout, String hostIp, List<String> dropCapabilities,
                          boolean noNewPrivileges, String apparmorProfile, String seccompProfile, long pidsLimit,
                          List<Path> allowedHostPaths, String host) {
        this(networkMode, apiTimeout, hostIp, dropCapabilities, noNewPrivileges, apparmorProfile, seccompProfile,
                pidsLimit, allowedHostPaths, host, null);
    }

    public static final List<String> DEFAULT_DROP_CAPABILITIES = List.of("AUDIT_WRITE", "MKNOD", "NET_ADMIN",
            "NET_RAW", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_TIME", "SYS_TTY_CONFIG");

    public static DockerSettings defaults() {
        return new DockerSettings("host", 180, null, DEFAULT_DROP_CAPABILITIES, true, "", "", 4096, List.of(), null);
    }

    public DockerSettings withHost(String engineHost) {
        return new DockerSettings(networkMode, apiTimeout, hostIp, dropCapabilities, noNewPrivileges, apparmorProfile,
                seccompProfile, pidsLimit, allowedHostPaths, engineHost, execdLogDir);
    }

    public DockerSettings withExecdLogDir(Path dir) {
        return new DockerSettings(networkMode, apiTimeout, hostIp, dropCapabilities, noNewPrivileges, apparmorProfile,
                seccompProfile, pidsLimit, allowedHostPaths, host, dir);
    }

    public DockerSettings withNetworkMode(String mode) {
        return new DockerSettings(mode, apiTimeout, hostIp, dropCapabilities, noNewPrivileges, apparmorProfile,
                seccompProfile, pidsLimit, allowedHostPaths, host, execdLogDir);
    }
}
