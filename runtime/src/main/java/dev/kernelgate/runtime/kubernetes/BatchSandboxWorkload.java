package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code workload_provider = "batchsandbox"}: one BatchSandbox per sandbox around the pod provider's Pod template
 * (see {@link BatchSandboxes}). Upstream's controller creates the Pod; its labels (the template's) let the runtime
 * find it by the sandbox id.
 */
final class BatchSandboxWorkload implements SandboxWorkload {
    private final KubernetesClient client;
    private final String namespace;

    BatchSandboxWorkload(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public void create(Pod pod, Instant expiresAt) {
        GenericKubernetesResource batch = BatchSandboxes.of(pod, expiresAt);
        call("create BatchSandbox " + pod.getMetadata().getName(), () -> batches().resource(batch).create());
    }

    @Override
    public Optional<SandboxStatus> inspect(String id) {
        return find(id).map(b -> BatchSandboxes.state(b, controllerPod(id)));
    }

    @Override
    public Pod pod(String id) {
        if (find(id).isEmpty()) {
            throw KubernetesErrors.notFound(id);
        }
        return controllerPod(id).orElseThrow(() -> new SandboxException(409, KubernetesErrors.SANDBOX_NOT_REACHABLE,
                "Sandbox " + id + " has no Pod yet: upstream's BatchSandbox controller has not created it"));
    }

    private Optional<GenericKubernetesResource> find(String id) {
        return Optional.ofNullable(call("read BatchSandbox " + PodMetadata.podName(id), () -> resource(id).get()));
    }

    /** The Pod upstream's controller made for the sandbox: found by its id label, one not being deleted first. */
    private Optional<Pod> controllerPod(String id) {
        return call("list Pods of sandbox " + id, () -> client.pods().inNamespace(namespace)
                .withLabel(PodMetadata.ID, id).list().getItems()).stream()
                .min(Comparator.comparing(p -> p.getMetadata().getDeletionTimestamp() != null));
    }

    @Override
    public void delete(String id) {
        // The garbage collector removes the controller's Pod with the BatchSandbox. Its labelled Pods go too: the
        // sandbox then ends as promptly as a pod-provider one, and a Pod left by a controller that is down or set no
        // owner reference does not outlive the sandbox.
        call("delete BatchSandbox " + PodMetadata.podName(id), () -> resource(id).delete());
        call("delete Pods of sandbox " + id, () -> client.pods().inNamespace(namespace)
                .withLabel(PodMetadata.ID, id).delete());
    }

    @Override
    public void expirationChanged(String id, Instant expiresAt) {
        call("update BatchSandbox " + PodMetadata.podName(id), () -> resource(id).edit(b -> {
            BatchSandboxes.setExpiry(b, expiresAt);
            return SandboxWorkload.<GenericKubernetesResource>expiryEdit(expiresAt).apply(b);
        }));
    }

    @Override
    public void relabel(String id, Map<String, String> labels) {
        // The BatchSandbox's labels are what recover() reads; the Pod keeps its id label, by which it is found.
        call("label BatchSandbox " + PodMetadata.podName(id),
                () -> resource(id).edit(SandboxWorkload.metadataEdit(m -> m.setLabels(labels))));
    }

    @Override
    public List<RecoveredSandbox> recover(List<Pod> managedPods) {
        // One list of the controller's Pods (they carry the template's labels), not one request per sandbox.
        Map<String, Pod> podsById = new HashMap<>();
        managedPods.stream().filter(PodMetadata::adoptable)
                .forEach(p -> podsById.putIfAbsent(p.getMetadata().getLabels().get(PodMetadata.ID), p));
        return call("list BatchSandboxes", () -> batches()
                .withLabel(PodMetadata.MANAGED_BY, PodMetadata.MANAGER).list().getItems()).stream()
                .filter(b -> b.getMetadata().getDeletionTimestamp() == null && b.getMetadata().getLabels() != null
                        && b.getMetadata().getLabels().containsKey(PodMetadata.ID))
                .map(b -> {
                    Pod template = BatchSandboxes.template(b);
                    String id = template.getMetadata().getLabels().get(PodMetadata.ID);
                    return new RecoveredSandbox(PodMetadata.spec(template),
                            BatchSandboxes.state(b, Optional.ofNullable(podsById.get(id))));
                })
                .toList();
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> batches() {
        return client.genericKubernetesResources(BatchSandboxes.CONTEXT).inNamespace(namespace);
    }

    private Resource<GenericKubernetesResource> resource(String id) {
        return batches().withName(PodMetadata.podName(id));
    }

    private <T> T call(String action, Supplier<T> request) {
        return KubernetesErrors.call(action, namespace, request);
    }
}
