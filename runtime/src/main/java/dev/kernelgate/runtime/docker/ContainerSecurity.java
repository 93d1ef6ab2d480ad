package dev.kernelgate.runtime.docker;

import java.nio.file.Path;
import java.util.List;

/**
 * The hardening applied to every sandbox container ({@code [docker]} keys of the same names).
 *
 * @param dropCapabilities capabilities removed from the engine's default set, e.g. {@code NET_RAW}, {@code SYS_ADMIN}
 * @param noNewPrivileges  setuid binaries and file capabilities cannot raise privileges
 * @param seccompProfile   null or blank for the engine's default profile, {@code unconfined}, or a JSON profile file
 * @param apparmorProfile  null or blank for the engine's default, else a profile name loaded on the host
 * @param pidsLimit        most processes/threads in the container; 0 for no limit
 */
public record ContainerSecurity(List<String> dropCapabilities, boolean noNewPrivileges, String seccompProfile,
                                String apparmorProfile, long pidsLimit) {
    /** Upstream's recommended set ({@code example.config.toml}). */
    public static final List<String> DEFAULT_DROP_CAPABILITIES = List.of("AUDIT_WRITE", "MKNOD", "NET_ADMIN",
            "NET_RAW", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_TIME", "SYS_TTY_CONFIG");

    public ContainerSecurity {
        dropCapabilities = List.copyOf(dropCapabilities);
        if (pidsLimit < 0) {
            throw new IllegalArgumentException("[docker] pids_limit must be 0 (no limit) or positive, not " + pidsLimit);
        }
    }

    /** The same hardening with {@code capabilities} dropped too. */
    public ContainerSecurity dropping(List<String> capabilities) {
        List<String> all = new java.util.ArrayList<>(dropCapabilities);
        for (String capability : capabilities) {
            if (all.stream().noneMatch(c -> c.equalsIgnoreCase(capability) || c.equalsIgnoreCase("CAP_" + capability))) {
                all.add(capability);
            }
        }
        return new ContainerSecurity(all, noNewPrivileges, seccompProfile, apparmorProfile, pidsLimit);
    }

    public static ContainerSecurity defaults() {
        return new ContainerSecurity(DEFAULT_DROP_CAPABILITIES, true, "", "", 4096);
    }

    /** Whether the seccomp profile names a file (anything but the engine default and {@code unconfined}). */
    boolean seccompIsFile() {
        return seccompProfile != null && !seccompProfile.isBlank() && !seccompProfile.equals("unconfined");
    }

    Path seccompFile() {
        return Path.of(seccompProfile);
    }
}
