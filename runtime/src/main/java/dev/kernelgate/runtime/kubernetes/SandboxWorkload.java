package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What a sandbox is in the cluster ({@code [kubernetes] workload_provider}): its Pod itself ({@link PodWorkload}), or
 * a BatchSandbox whose controller makes the Pod ({@link BatchSandboxWorkload}). {@link KubernetesRuntime} does the
 * rest (readiness, endpoints, errors) the same way for both.
 */
interface SandboxWorkload {
    /** Creates the object(s) that run {@code pod}, the sandbox's Pod as {@link SandboxPods} builds it. */
    void create(Pod pod, Instant expiresAt);

    /** The sandbox's state, empty when it does not exist. */
    Optional<SandboxStatus> inspect(String id);

    /** The sandbox's Pod; a 404 when there is no sandbox, a 409 when it has no Pod yet. */
    Pod pod(String id);

    /** Removes the sandbox; a missing one is what the caller wanted. */
    void delete(String id);

    /** Records a new expiry ({@code null}: manual cleanup). */
    void expirationChanged(String id, Instant expiresAt);

    /** Replaces the sandbox's labels (the id and manager labels among them). */
    void relabel(String id, Map<String, String> labels);

    /** The sandboxes this server made, given every Pod that carries its manager label. */
    List<RecoveredSandbox> recover(List<Pod> managedPods);

    /** The sandbox annotations with {@code expiresAt} in place of the previous expiry. */
    static Map<String, String> withExpiry(Map<String, String> current, Instant expiresAt) {
        Map<String, String> annotations = new java.util.HashMap<>(current);
        annotations.remove(PodMetadata.EXPIRES_AT);
        annotations.remove(PodMetadata.MANUAL_CLEANUP);
        annotations.putAll(PodMetadata.expiry(expiresAt));
        return annotations;
    }

    /** An edit of a resource's metadata, for fabric8's {@code edit}: the same for a Pod and a BatchSandbox. */
    static <T extends HasMetadata> UnaryOperator<T> metadataEdit(Consumer<ObjectMeta> change) {
        return resource -> {
            change.accept(resource.getMetadata());
            return resource;
        };
    }

    /** {@link #metadataEdit} putting {@code expiresAt} into the sandbox annotations. */
    static <T extends HasMetadata> UnaryOperator<T> expiryEdit(Instant expiresAt) {
        return metadataEdit(m -> m.setAnnotations(withExpiry(m.getAnnotations(), expiresAt)));
    }
}
