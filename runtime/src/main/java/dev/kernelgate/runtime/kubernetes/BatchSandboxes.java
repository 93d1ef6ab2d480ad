package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code [kubernetes] workload_provider = "batchsandbox"}: the sandbox's Pod template wrapped in one of upstream's
 * BatchSandbox resources ({@value #API_VERSION}, one replica). The BatchSandbox carries the Pod's labels, so the
 * runtime lists and recovers it as it does Pods; upstream's controller creates the Pod from the template, and the
 * template's labels let the runtime find that Pod by the sandbox id.
 */
final class BatchSandboxes {
    static final String GROUP = "sandbox.opensandbox.io";
    static final String API_VERSION = GROUP + "/v1alpha1";
    static final String KIND = "BatchSandbox";
    static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder().withGroup(GROUP)
            .withVersion("v1alpha1").withKind(KIND).withPlural("batchsandboxes").withNamespaced(true).build();

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private BatchSandboxes() {
    }

    /** The BatchSandbox that has upstream's controller run {@code pod}, and expire at {@code expiresAt} (or never). */
    static GenericKubernetesResource of(Pod pod, Instant expiresAt) {
        var meta = pod.getMetadata();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("replicas", 1);
        spec.put("template", Map.of(
                "metadata", Map.of("labels", meta.getLabels(), "annotations", meta.getAnnotations()),
                "spec", SERIALIZATION.convertValue(pod.getSpec(), Map.class)));
        GenericKubernetesResource batch = new GenericKubernetesResource();
        batch.setApiVersion(API_VERSION);
        batch.setKind(KIND);
        batch.setMetadata(new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace())
                .withLabels(meta.getLabels()).withAnnotations(meta.getAnnotations()).build());
        batch.setAdditionalProperty("spec", spec);
        setExpiry(batch, expiresAt);
        return batch;
    }

    /** The template as a Pod named after the BatchSandbox: what {@link PodMetadata#spec(Pod)} reads on recovery. */
    static Pod template(GenericKubernetesResource batch) {
        Map<String, Object> template = map(map(batch.getAdditionalProperties().get("spec")).get("template"));
        return new PodBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(batch.getMetadata().getName())
                        .withNamespace(batch.getMetadata().getNamespace())
                        .withLabels(batch.getMetadata().getLabels())
                        .withAnnotations(batch.getMetadata().getAnnotations()).build())
                .withSpec(SERIALIZATION.convertValue(template.get("spec"), PodSpec.class))
                .build();
    }

    /**
     * The sandbox state of a BatchSandbox and the Pod its controller made, if any yet: Stopping while the
     * BatchSandbox is being deleted, Failed on its PodFailed condition, Pending until the Pod exists, and then the
     * Pod's state as the pod provider reads it.
     */
    static SandboxStatus state(GenericKubernetesResource batch, Optional<Pod> pod) {
        if (batch.getMetadata().getDeletionTimestamp() != null) {
            return new SandboxStatus(SandboxState.STOPPING, "Deleting", "the BatchSandbox is being deleted");
        }
        Map<String, Object> failed = condition(batch, "PodFailed");
        if (failed != null && "True".equals(failed.get("status"))) {
            return SandboxStatus.failed(text(failed.get("reason"), "PodFailed"), text(failed.get("message"), null));
        }
        return pod.map(PodStates::of).orElseGet(() -> new SandboxStatus(SandboxState.PENDING, "PodNotCreated",
                "upstream's BatchSandbox controller has not created the Pod yet"));
    }

    static Map<String, Object> condition(GenericKubernetesResource batch, String type) {
        Object status = batch.getAdditionalProperties().get("status");
        Object conditions = status == null ? null : map(status).get("conditions");
        if (conditions instanceof List<?> list) {
            for (Object c : list) {
                if (type.equals(map(c).get("type"))) {
                    return map(c);
                }
            }
        }
        return null;
    }

    /** The spec's {@code expireTime}: the sandbox's expiry, or none for manual cleanup. */
    static void setExpiry(GenericKubernetesResource batch, Instant expiresAt) {
        Map<String, Object> spec = map(batch.getAdditionalProperties().get("spec"));
        if (expiresAt == null) {
            spec.remove("expireTime");
        } else {
            spec.put("expireTime", expiresAt.truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    private static String text(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }
}
