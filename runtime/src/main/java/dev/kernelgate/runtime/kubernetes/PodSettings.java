package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What every sandbox Pod gets from the configuration, resolved once when the runtime opens.
 *
 * @param namespace          where sandbox Pods live ({@code [kubernetes] namespace}, or {@code [runtime] namespace})
 * @param execdImage         the init image that carries the Kernelgate distribution at {@code /opt/kernelgate}
 * @param imagePullPolicy    for the sandbox and init containers ({@code Always|IfNotPresent|Never})
 * @param serviceAccount     the Pod's service account, or null for none (the API token is then not mounted)
 * @param nodeSelector       node labels the Pod must be scheduled on
 * @param priorityClass      the Pod's priority class, or null
 * @param runtimeClass       {@code [secure_runtime] k8s_runtime_class} (gVisor, Kata), or null
 * @param dropCapabilities   capabilities removed from the containers ({@code [docker] drop_capabilities}: one list
 *                           of sandbox hardening for both container runtimes)
 * @param noNewPrivileges    {@code allowPrivilegeEscalation: false} ({@code [docker] no_new_privileges})
 * @param seccompUnconfined  whether {@code [docker] seccomp_profile = "unconfined"}; otherwise RuntimeDefault
 * @param resourceQuota      per-sandbox ceiling on limits, and the limits of a sandbox that asks for none
 * @param initResources      {@code execd_init_resources}: {@code limits}/{@code requests} of the init container
 * @param createTimeout      how long create waits for the Pod to become Ready
 * @param pollInterval       how often create looks at the Pod meanwhile
 */
public record PodSettings(String namespace, String execdImage, String imagePullPolicy, String serviceAccount,
                          Map<String, String> nodeSelector, String priorityClass, String runtimeClass,
                          List<String> dropCapabilities, boolean noNewPrivileges, boolean seccompUnconfined,
                          Map<String, String> resourceQuota, Map<String, Map<String, String>> initResources,
                          Duration createTimeout, Duration pollInterval) {
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");

    public PodSettings {
        nodeSelector = Map.copyOf(nodeSelector);
        dropCapabilities = List.copyOf(dropCapabilities);
        resourceQuota = Map.copyOf(resourceQuota);
        initResources = Map.copyOf(initResources);
        if (execdImage == null || execdImage.isBlank()) {
            throw new IllegalArgumentException("[runtime] execd_image must name the init image that carries the "
                    + "Kernelgate distribution at /opt/kernelgate (see runtime/kubernetes/execd-image)");
        }
        if (!PULL_POLICIES.contains(imagePullPolicy)) {
            throw new IllegalArgumentException("[kubernetes] image_pull_policy must be one of " + PULL_POLICIES
                    + ", not \"" + imagePullPolicy + "\"");
        }
    }

    /** The settings of a server configuration. @throws IllegalArgumentException for values Kubernetes refuses */
    public static PodSettings of(ServerConfig config) {
        var k = config.kubernetes();
        String namespace = k.namespace() != null ? k.namespace() : config.runtime().namespace();
        var d = config.docker();
        long pollMillis = Math.max(10, Math.round(k.sandboxCreatePollIntervalSeconds() * 1000));
        return new PodSettings(namespace == null ? "default" : namespace, config.runtime().execdImage(),
                k.imagePullPolicy(), k.serviceAccount(), k.nodeSelector(), k.podPriorityClass(),
                config.secureRuntime().k8sRuntimeClass(), d.dropCapabilities(), d.noNewPrivileges(),
                "unconfined".equals(d.seccompProfile()), k.resourceQuota(), k.execdInitResources(),
                Duration.ofSeconds(k.sandboxCreateTimeoutSeconds()), Duration.ofMillis(pollMillis));
    }
}
