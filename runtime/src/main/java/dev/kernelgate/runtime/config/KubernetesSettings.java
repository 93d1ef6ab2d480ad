package dev.kernelgate.runtime.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code [kubernetes]}: upstream's keys plus those published guides use ({@code resource_quota},
 * {@code node_selector}, {@code pod_priority_class}). {@code execdInitResources} is
 * {@code {limits:{cpu,memory}, requests:{...}}}.
 */
public record KubernetesSettings(Path kubeconfigPath, String namespace, String serviceAccount,
                                 String workloadProvider, Path batchsandboxTemplateFile, String imagePullPolicy,
                                 int sandboxCreateTimeoutSeconds, double sandboxCreatePollIntervalSeconds,
                                 int snapshotCreateTimeoutSeconds, boolean informerEnabled,
                                 int informerResyncSeconds, int informerWatchTimeoutSeconds, double readQps,
                                 int readBurst, double writeQps, int writeBurst,
                                 Map<String, Map<String, String>> execdInitResources,
                                 Map<String, String> resourceQuota, Map<String, String> nodeSelector,
                                 String podPriorityClass) {
    public KubernetesSettings {
        execdInitResources = Map.copyOf(execdInitResources);
        resourceQuota = Map.copyOf(resourceQuota);
        nodeSelector = Map.copyOf(nodeSelector);
    }

    public static KubernetesSettings defaults() {
        return new KubernetesSettings(null, "default", null, "pod", null, "IfNotPresent", 60, 1.0, 600,
                true, 300, 60, 0, 0, 0, 0, Map.of(), Map.of(), Map.of(), null);
    }
}
