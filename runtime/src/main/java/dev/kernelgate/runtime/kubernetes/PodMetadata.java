package dev.kernelgate.runtime.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.runtime.spi.ResourceLimits;
import dev.kernelgate.runtime.spi.SandboxSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sandbox Pod carries in its metadata. Labels: the user's metadata as plain labels (as upstream), the sandbox
 * id and a managed-by mark that {@code KubernetesRuntime.recover()} selects on. Annotations: the deadline (upstream's
 * {@code opensandbox.io/expires-at}, or {@code manual-cleanup}), and what a restarted server needs to adopt the Pod
 * (creation time, entrypoint) — annotations because label values cannot hold timestamps or JSON.
 */
final class PodMetadata {
    static final String ID = "opensandbox.io/id";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "kernelgate";
    static final String EXPIRES_AT = "opensandbox.io/expires-at";
    static final String MANUAL_CLEANUP = "opensandbox.io/manual-cleanup";
    static final String CREATED_AT = "kernelgate.dev/created-at";
    static final String ENTRYPOINT = "kernelgate.dev/entrypoint";

    private static final ObjectMapper JSON = new ObjectMapper();

    private PodMetadata() {
    }

    /** The Pod name of a sandbox: a DNS label, since ids are lower-case UUIDs. */
    static String podName(String id) {
        return "sandbox-" + id;
    }

    static Map<String, String> labels(String id, Map<String, String> metadata) {
        Map<String, String> labels = new HashMap<>(metadata);
        labels.put(ID, id);
        labels.put(MANAGED_BY, MANAGER);
        return labels;
    }

    static Map<String, String> annotations(SandboxSpec spec) {
        Map<String, String> annotations = new HashMap<>(expiry(spec.expiresAt()));
        annotations.put(CREATED_AT, spec.createdAt().toString());
        try {
            annotations.put(ENTRYPOINT, JSON.writeValueAsString(spec.entrypoint()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
        return annotations;
    }

    /** The deadline annotations; exactly one of the two keys is present. */
    static Map<String, String> expiry(Instant expiresAt) {
        return expiresAt == null ? Map.of(MANUAL_CLEANUP, "true") : Map.of(EXPIRES_AT, expiresAt.toString());
    }

    /** The user's metadata among a Pod's labels: everything but the keys this runtime sets. */
    static Map<String, String> userMetadata(Map<String, String> labels) {
        Map<String, String> metadata = new HashMap<>(labels == null ? Map.of() : labels);
        metadata.remove(ID);
        metadata.remove(MANAGED_BY);
        return metadata;
    }

    /** The spec of a Pod found by label, as far as its metadata tells it (no env, limits or volumes). */
    static SandboxSpec spec(Pod pod) {
        ObjectMeta meta = pod.getMetadata();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        List<String> entrypoint;
        try {
            entrypoint = JSON.readValue(annotations.getOrDefault(ENTRYPOINT, "[]"), new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            entrypoint = List.of();
        }
        String created = annotations.get(CREATED_AT);
        String expires = annotations.get(EXPIRES_AT);
        String image = pod.getSpec().getContainers().get(0).getImage();
        return new SandboxSpec(meta.getLabels().get(ID), new SandboxSpec.ImageSpec(image, null, null), entrypoint,
                Map.of(), userMetadata(meta.getLabels()), ResourceLimits.none(), null, List.of(), null, false,
                Map.of(), created == null ? Instant.EPOCH : Instant.parse(created),
                expires == null ? null : Instant.parse(expires));
    }

    /** A sandbox Pod, and not one already being deleted (a delete that raced the restart): it is on its way out. */
    static boolean adoptable(Pod pod) {
        return pod.getMetadata().getLabels() != null && pod.getMetadata().getLabels().containsKey(ID)
                && pod.getMetadata().getDeletionTimestamp() == null;
    }
}
