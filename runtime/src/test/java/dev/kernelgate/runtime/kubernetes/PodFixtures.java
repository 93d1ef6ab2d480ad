package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.spi.ResourceLimits;
import dev.kernelgate.runtime.spi.SandboxSpec;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Specs, settings and the kubelet's part (Pod status) for tests against the CRUD mock server. */
final class PodFixtures {
    static final String NAMESPACE = "sandboxes";
    static final Instant CREATED = Instant.parse("2026-11-26T18:00:00Z");
    static final Instant EXPIRES = Instant.parse("2026-11-26T19:00:00Z");

    private PodFixtures() {
    }

    static PodSettings settings() {
        return settings(Duration.ofSeconds(20));
    }

    static PodSettings settings(Duration createTimeout) {
        return new PodSettings(NAMESPACE, "registry.example/kernelgate/execd:0.1.0", "IfNotPresent", "sandbox-runner",
                Map.of("kubernetes.io/os", "linux"), "sandbox-low", "gvisor", List.of("NET_RAW", "cap_sys_admin"),
                true, false, Map.of("cpu", "2", "memory", "4Gi"),
                Map.of("limits", Map.of("cpu", "100m", "memory", "64Mi")), createTimeout, Duration.ofMillis(20));
    }

    static SandboxSpec spec() {
        return spec(new ResourceLimits(500, 512L << 20, 0, Map.of("cpu", "500m", "memory", "512Mi")));
    }

    static SandboxSpec spec(ResourceLimits limits) {
        return new SandboxSpec(UUID.randomUUID().toString(), new SandboxSpec.ImageSpec("python:3.12-slim", null, null),
                List.of("python", "-m", "http.server"), Map.of("GREETING", "hello"), Map.of("team", "ml"), limits,
                null, List.of(), null, false, Map.of(), CREATED, EXPIRES);
    }

    /** Plays the kubelet: replaces the Pod's status. */
    static void setStatus(KubernetesClient client, String id, PodStatus status) {
        Pod pod = client.pods().inNamespace(NAMESPACE).withName(PodMetadata.podName(id)).get();
        pod.setStatus(status);
        client.pods().inNamespace(NAMESPACE).resource(pod).updateStatus();
    }

    static PodStatus running(boolean ready, String ip) {
        return new PodStatusBuilder().withPhase("Running").withPodIP(ip)
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
                        .build())
                .build();
    }

    static PodStatus phase(String phase, UnaryOperator<PodStatusBuilder> more) {
        return more.apply(new PodStatusBuilder().withPhase(phase)).build();
    }

    static PodStatus exited(String phase, int code, String reason) {
        return phase(phase, b -> b.withContainerStatuses(new ContainerStatusBuilder().withName("sandbox")
                .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(code).withReason(reason)
                        .endTerminated().build())
                .build()));
    }

    static PodStatus initFailed() {
        return phase("Pending", b -> b.withInitContainerStatuses(new ContainerStatusBuilder()
                .withName(SandboxPods.INIT_CONTAINER)
                .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(1).withReason("Error")
                        .withMessage("cp: can't stat '/opt/kernelgate/.'").endTerminated().build())
                .build()));
    }
}
