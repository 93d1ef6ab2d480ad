package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code workload_provider = "pod"}: one Pod per sandbox, named after it; its labels and annotations are the record. */
final class PodWorkload implements SandboxWorkload {
    private final KubernetesClient client;
    private final String namespace;

    PodWorkload(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public void create(Pod pod, Instant expiresAt) {
        call("create Pod " + pod.getMetadata().getName(), () -> client.pods().inNamespace(namespace).resource(pod)
                .create());
    }

    @Override
    public Optional<SandboxStatus> inspect(String id) {
        return find(id).map(PodStates::of);
    }

    @Override
    public Pod pod(String id) {
        return find(id).orElseThrow(() -> KubernetesErrors.notFound(id));
    }

    private Optional<Pod> find(String id) {
        return Optional.ofNullable(call("read Pod " + PodMetadata.podName(id), () -> resource(id).get()));
    }

    @Override
    public void delete(String id) {
        // Background propagation: the call returns at once, the kubelet stops the containers (SIGTERM to the
        // bootstrap, which forwards it to the entrypoint).
        call("delete Pod " + PodMetadata.podName(id), () -> resource(id).delete());
    }

    @Override
    public void expirationChanged(String id, Instant expiresAt) {
        call("annotate Pod " + PodMetadata.podName(id),
                () -> resource(id).edit(SandboxWorkload.expiryEdit(expiresAt)));
    }

    @Override
    public void relabel(String id, Map<String, String> labels) {
        call("label Pod " + PodMetadata.podName(id),
                () -> resource(id).edit(SandboxWorkload.metadataEdit(m -> m.setLabels(labels))));
    }

    @Override
    public List<RecoveredSandbox> recover(List<Pod> managedPods) {
        return managedPods.stream()
                .filter(PodMetadata::adoptable)
                .map(p -> new RecoveredSandbox(PodMetadata.spec(p), PodStates.of(p)))
                .toList();
    }

    private PodResource resource(String id) {
        return client.pods().inNamespace(namespace).withName(PodMetadata.podName(id));
    }

    private <T> T call(String action, Supplier<T> request) {
        return KubernetesErrors.call(action, namespace, request);
    }
}
