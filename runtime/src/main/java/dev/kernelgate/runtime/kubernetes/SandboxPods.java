package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.config.EgressSettings;
import dev.kernelgate.runtime.spi.EgressSidecarEnv;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Pod of a sandbox: an unmodified user image that gets execd by injection, as the Docker runtime does, with a
 * Pod-shaped transport. An init container from the execd image copies the Kernelgate distribution into an emptyDir;
 * the main container mounts it read-only at {@value #MOUNT_POINT} and its command becomes the distribution's
 * bootstrap script, which starts execd in the background and then runs the user's entrypoint (its arguments).
 * execd's log directory, {@value #EXECD_LOG_DIR}, is an emptyDir of its own ({@value #EXECD_LOG_VOLUME}): on the node
 * it is {@code /var/lib/kubelet/pods/<pod uid>/volumes/kubernetes.io~empty-dir/execd-logs}, where a node-level
 * collector (a DaemonSet mounting {@code /var/lib/kubelet/pods} read-only) tails it, and it is writable whatever user
 * the image runs as.
 */
final class SandboxPods {
    static final String MOUNT_POINT = "/opt/kernelgate";
    static final String BOOTSTRAP = MOUNT_POINT + "/bootstrap.sh";
    static final String DISTRIBUTION_VOLUME = "kernelgate-distribution";
    static final String EXECD_LOG_VOLUME = "execd-logs";
    /** Where the bootstrap has execd write its log ({@code EXECD_LOG_FILE} = {@code /var/log/execd/execd.log}). */
    static final String EXECD_LOG_DIR = "/var/log/execd";
    static final String INIT_CONTAINER = "kernelgate-installer";
    static final String MAIN_CONTAINER = "sandbox";
    /** Where the init container sees the emptyDir: apart from its own copy at {@value #MOUNT_POINT}. */
    static final String INIT_TARGET = "/mnt/kernelgate";
    static final int EXECD_PORT = 44772;
    /** The variable the distribution's execd launcher reads its port from (the Docker runtime's). */
    static final String EXECD_PORT_ENV = "KERNELGATE_EXECD_PORT";

    private final PodSettings settings;
    private final EgressSettings egress;
    private final Supplier<String> tokens;

    SandboxPods(PodSettings settings) {
        this(settings, EgressSettings.defaults(), EgressSidecarEnv::newToken);
    }

    /** @param tokens makes the egress token of each Pod with a {@code networkPolicy} */
    SandboxPods(PodSettings settings, EgressSettings egress, Supplier<String> tokens) {
        this.settings = settings;
        this.egress = egress;
        this.tokens = tokens;
    }

    /** @throws SandboxException 400 for a request a Pod cannot carry (see {@link #check(SandboxSpec)}) */
    Pod pod(SandboxSpec spec) {
        check(spec);
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName(DISTRIBUTION_VOLUME).withNewEmptyDir().endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName(EXECD_LOG_VOLUME).withNewEmptyDir().endEmptyDir().build());
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(new VolumeMountBuilder().withName(DISTRIBUTION_VOLUME).withMountPath(MOUNT_POINT)
                .withReadOnly(true).build());
        mounts.add(new VolumeMountBuilder().withName(EXECD_LOG_VOLUME).withMountPath(EXECD_LOG_DIR).build());
        for (SandboxSpec.VolumeSpec v : spec.volumes()) {
            volumes.add(volume(v));
            mounts.add(new VolumeMountBuilder().withName(v.name()).withMountPath(v.mountPath())
                    .withReadOnly(v.readOnly()).withSubPath(v.subPath()).build());
        }
        Map<String, String> annotations = new HashMap<>(PodMetadata.annotations(spec));
        List<Container> init = new ArrayList<>(List.of(installer()));
        SecurityContext hardening = securityContext(List.of());
        if (spec.networkPolicy() != null) {
            String token = tokens.get();
            annotations.put(EgressSidecarEnv.TOKEN_KEY, token);
            // After the installer (it runs the copied distribution), before the sandbox container.
            init.add(EgressSidecar.container(spec, egress, token, settings.imagePullPolicy(), new VolumeMountBuilder()
                    .withName(DISTRIBUTION_VOLUME).withMountPath(MOUNT_POINT).withReadOnly(true).build(), hardening));
            hardening = securityContext(List.of("NET_ADMIN", "NET_RAW"));
        }
        return new PodBuilder()
                .withNewMetadata()
                    .withName(PodMetadata.podName(spec.id()))
                    .withNamespace(settings.namespace())
                    .withLabels(PodMetadata.labels(spec.id(), spec.metadata()))
                    .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    // The sandbox ends when its entrypoint ends, as a container does under Docker.
                    .withRestartPolicy("Never")
                    .withServiceAccountName(settings.serviceAccount())
                    // Untrusted code gets no API credentials unless the operator named an account for it.
                    .withAutomountServiceAccountToken(settings.serviceAccount() != null)
                    // Nor the addresses of every Service in the namespace as environment variables.
                    .withEnableServiceLinks(false)
                    .withNodeSelector(settings.nodeSelector().isEmpty() ? null : settings.nodeSelector())
                    .withPriorityClassName(settings.priorityClass())
                    .withRuntimeClassName(settings.runtimeClass())
                    .withInitContainers(init)
                    .withContainers(main(spec, mounts, hardening))
                    .withVolumes(volumes)
                .endSpec()
                .build();
    }

    /** What only a Pod cannot do, refused before anything is created. */
    void check(SandboxSpec spec) {
        if (spec.credentialProxy()) {
            // The vault's CA would have to reach the sandbox container and its redirect needs iptables in the sidecar.
            throw new SandboxException(400, "SANDBOX::API_NOT_SUPPORTED", "credentialProxy (the credential vault) is "
                    + "not supported by the kubernetes runtime; use the docker runtime");
        }
        if (spec.image().username() != null || spec.image().password() != null) {
            throw new SandboxException(400, KubernetesErrors.IMAGE_AUTH_NOT_SUPPORTED, "image.auth is not "
                    + "supported by the kubernetes runtime: give the namespace's service account an "
                    + "imagePullSecret for the registry instead");
        }
        for (SandboxSpec.VolumeSpec v : spec.volumes()) {
            volume(v);
        }
        SandboxResources.of(spec.resources(), settings.resourceQuota());
    }

    private static Volume volume(SandboxSpec.VolumeSpec v) {
        VolumeBuilder volume = new VolumeBuilder().withName(v.name());
        if (v.hostPath() != null) {
            return volume.withNewHostPath().withPath(v.hostPath()).endHostPath().build();
        }
        if (v.pvcClaimName() != null) {
            return volume.withNewPersistentVolumeClaim().withClaimName(v.pvcClaimName()).withReadOnly(v.readOnly())
                    .endPersistentVolumeClaim().build();
        }
        throw new SandboxException(400, KubernetesErrors.UNSUPPORTED_VOLUME, "volume " + v.name() + ": the "
                + "kubernetes runtime mounts host paths and PVCs only, not " + v.kind());
    }

    private Container installer() {
        return new ContainerBuilder()
                .withName(INIT_CONTAINER)
                .withImage(settings.execdImage())
                .withImagePullPolicy(settings.imagePullPolicy())
                // No shell needed in the init image: one cp of the distribution tree (modes kept: the scripts stay
                // executable) into the volume the sandbox mounts.
                .withCommand("cp", "-R", MOUNT_POINT + "/.", INIT_TARGET + "/")
                .withVolumeMounts(new VolumeMountBuilder().withName(DISTRIBUTION_VOLUME).withMountPath(INIT_TARGET)
                        .build())
                .withResources(SandboxResources.init(settings.initResources()))
                .withSecurityContext(securityContext(List.of()))
                .build();
    }

    private Container main(SandboxSpec spec, List<VolumeMount> mounts, SecurityContext hardening) {
        List<EnvVar> env = new ArrayList<>();
        spec.env().forEach((key, value) -> env.add(new EnvVar(key, value, null)));
        env.add(new EnvVar(EXECD_PORT_ENV, Integer.toString(EXECD_PORT), null));
        return new ContainerBuilder()
                .withName(MAIN_CONTAINER)
                .withImage(spec.image().uri())
                .withImagePullPolicy(settings.imagePullPolicy())
                // command replaces the image's ENTRYPOINT and args its CMD: the bootstrap runs the user's entrypoint.
                .withCommand(BOOTSTRAP)
                .withArgs(spec.entrypoint())
                .withEnv(env)
                .addNewPort().withName("execd").withContainerPort(EXECD_PORT).withProtocol("TCP").endPort()
                .withVolumeMounts(mounts)
                .withResources(SandboxResources.of(spec.resources(), settings.resourceQuota()))
                .withSecurityContext(hardening)
                // Ready = execd answers: create returns once the Pod is Ready, as the Docker runtime waits for /ping.
                .withNewReadinessProbe()
                    .withNewHttpGet().withPath("/ping").withPort(new IntOrString(EXECD_PORT)).endHttpGet()
                    .withPeriodSeconds(1)
                    .withFailureThreshold(3)
                .endReadinessProbe()
                .build();
    }

    /** The configured hardening, with {@code alsoDrop} dropped too (a sandbox behind an egress sidecar). */
    private SecurityContext securityContext(List<String> alsoDrop) {
        List<String> drop = new ArrayList<>(settings.dropCapabilities().stream().map(SandboxPods::capability)
                .toList());
        alsoDrop.stream().filter(c -> !drop.contains(c)).forEach(drop::add);
        SecurityContextBuilder context = new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(!settings.noNewPrivileges())
                .withPrivileged(false)
                .withNewSeccompProfile().withType(settings.seccompUnconfined() ? "Unconfined" : "RuntimeDefault")
                .endSeccompProfile();
        if (!drop.isEmpty()) {
            context.withNewCapabilities().withDrop(drop).endCapabilities();
        }
        return context.build();
    }

    /** Kubernetes spells capabilities without {@code CAP_}, upper-case. */
    static String capability(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper.substring(4) : upper;
    }
}
