package dev.kernelgate.runtime.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A validated create request, as the runtime must realise it. Ids and times are the service's.
 *
 * @param id             the sandbox id: a UUID as upstream uses (lower-case hex digits and dashes)
 * @param image          what to run; the local runtime records it but runs on the host
 * @param entrypoint     the user command, started after execd answers (upstream's bootstrap contract); never empty
 * @param env            environment for the entrypoint and for execd's commands
 * @param metadata       user metadata (labels); keys under {@code opensandbox.io/} are the server's
 * @param resources      parsed resource limits
 * @param platform       requested os/arch, or null
 * @param volumes        validated volume mounts (host paths already checked against {@code allowed_host_paths})
 * @param networkPolicy  egress policy, or null
 * @param secureAccess   upstream's {@code secureAccess}
 * @param extensions     upstream's free-form {@code extensions}
 * @param createdAt      when the request was accepted
 * @param expiresAt      the deadline, or null for a sandbox without timeout
 * @param credentialProxy upstream's {@code credentialProxy.enabled}: the egress sidecar runs the credential vault
 *                       (only with a {@code networkPolicy})
 */
public record SandboxSpec(String id, ImageSpec image, List<String> entrypoint, Map<String, String> env,
                          Map<String, String> metadata, ResourceLimits resources, Platform platform,
                          List<VolumeSpec> volumes, NetworkPolicy networkPolicy, boolean secureAccess,
                          Map<String, String> extensions, Instant createdAt, Instant expiresAt,
                          boolean credentialProxy) {
    /** A sandbox without the credential vault. */
    public SandboxSpec(String id, ImageSpec image, List<String> entrypoint, Map<String, String> env,
                       Map<String, String> metadata, ResourceLimits resources, Platform platform,
                       List<VolumeSpec> volumes, NetworkPolicy networkPolicy, boolean secureAccess,
                       Map<String, String> extensions, Instant createdAt, Instant expiresAt) {
        this(id, image, entrypoint, env, metadata, resources, platform, volumes, networkPolicy,
                secureAccess, extensions, createdAt, expiresAt, false);
    }

    public SandboxSpec {
        entrypoint = List.copyOf(entrypoint);
        env = Map.copyOf(env);
        metadata = Map.copyOf(metadata);
        volumes = List.copyOf(volumes);
        extensions = Map.copyOf(extensions);
    }

    /** An image reference and optional registry credentials. */
    public record ImageSpec(String uri, String username, String password) {
    }

    /** Target platform ({@code linux}/{@code amd64} ...). */
    public record Platform(String os, String arch) {
    }

    /** One egress rule: {@code allow|deny} to a domain, IP or CIDR. */
    public record EgressRule(String action, String target) {
    }

    /** Upstream's {@code networkPolicy}. */
    public record NetworkPolicy(String defaultAction, List<EgressRule> egress) {
        public NetworkPolicy {
            egress = List.copyOf(egress);
        }
    }

    /**
     * One volume. Exactly one source is set: {@code hostPath} (already allowed), {@code pvc}, or another kind named
     * in {@code kind} with its raw fields in {@code options}.
     *
     * @param subPath a relative path below the source without {@code ..}, {@code .} or empty components, or null
     */
    public record VolumeSpec(String name, String mountPath, boolean readOnly, String subPath, String kind,
                             String hostPath, PvcClaim pvc, Map<String, String> options) {
        public VolumeSpec {
            options = Map.copyOf(options);
        }

        /** The claim (Kubernetes) or named volume (Docker, local) this volume mounts, or null for other kinds. */
        public String pvcClaimName() {
            return pvc == null ? null : pvc.claimName();
        }
    }

    /**
     * Upstream's {@code pvc} backend: a platform-managed named volume.
     *
     * @param claimName                  the PVC's name (Kubernetes) or the named volume's (Docker, local runtime)
     * @param createIfNotExists          create it when missing (upstream's default: true); else a missing one is
     *                                   refused
     * @param deleteOnSandboxTermination remove it with the sandbox, when this server created it
     */
    public record PvcClaim(String claimName, boolean createIfNotExists, boolean deleteOnSandboxTermination) {
    }
}
