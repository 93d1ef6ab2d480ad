package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.spi.ResourceLimits;
import dev.kernelgate.runtime.spi.SandboxException;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sandbox's {@code resourceLimits} as the main container's resources, bounded by {@code [kubernetes]
 * resource_quota}. Requests equal limits: the scheduler then reserves what the sandbox may use (Guaranteed QoS when
 * cpu and memory are both set), so a node never overcommits sandboxes.
 */
final class SandboxResources {
    /** Upstream's {@code gpu} key is NVIDIA's device-plugin resource on Kubernetes. */
    static final String GPU = "nvidia.com/gpu";

    private SandboxResources() {
    }

    /**
     * @throws SandboxException 400 {@code KUBERNETES::RESOURCE_QUOTA_EXCEEDED} when a limit is above the quota, or
     *                          {@code SANDBOX::INVALID_PARAMETER} for a value that is not a Kubernetes quantity
     */
    static ResourceRequirements of(ResourceLimits limits, Map<String, String> quota) {
        Map<String, Quantity> wanted = new LinkedHashMap<>();
        limits.raw().forEach((key, value) -> wanted.put(resource(key), quantity(key, value)));
        // A sandbox that asks for nothing gets the ceiling itself, so none runs without limits when a quota is set.
        quota.forEach((key, value) -> wanted.putIfAbsent(resource(key), quantity(key, value)));
        for (Map.Entry<String, String> ceiling : quota.entrySet()) {
            Quantity asked = wanted.get(resource(ceiling.getKey()));
            if (Quantity.getAmountInBytes(asked).compareTo(Quantity.getAmountInBytes(quantity(ceiling.getKey(),
                    ceiling.getValue()))) > 0) {
                throw new SandboxException(400, KubernetesErrors.RESOURCE_QUOTA_EXCEEDED, "resourceLimits."
                        + ceiling.getKey() + " = " + asked + " is above this server's per-sandbox quota of "
                        + ceiling.getValue());
            }
        }
        return new ResourceRequirementsBuilder().withLimits(wanted).withRequests(wanted).build();
    }

    /** Kubernetes' name of a resource: upstream's {@code gpu} in requests and in the quota alike. */
    private static String resource(String key) {
        return key.equals("gpu") ? GPU : key;
    }

    /** The init container's {@code execd_init_resources} ({@code {limits = {...}, requests = {...}}}). */
    static ResourceRequirements init(Map<String, Map<String, String>> resources) {
        ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
        builder.withLimits(quantities(resources.getOrDefault("limits", Map.of())));
        builder.withRequests(quantities(resources.getOrDefault("requests", Map.of())));
        return builder.build();
    }

    private static Map<String, Quantity> quantities(Map<String, String> values) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        values.forEach((key, value) -> out.put(key, quantity(key, value)));
        return out;
    }

    private static Quantity quantity(String key, String value) {
        try {
            Quantity q = new Quantity(value);
            Quantity.getAmountInBytes(q);
            return q;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new SandboxException(400, "SANDBOX::INVALID_PARAMETER", "resource " + key + " = \"" + value
                    + "\" is not a Kubernetes quantity (e.g. 500m, 2, 512Mi)");
        }
    }
}
