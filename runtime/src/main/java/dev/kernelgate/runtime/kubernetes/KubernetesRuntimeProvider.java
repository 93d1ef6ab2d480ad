package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.config.KubernetesSettings;
import dev.kernelgate.runtime.spi.ResourceLimits;
import dev.kernelgate.runtime.spi.RuntimeContext;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxRuntimeProvider;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code [runtime] type = "kubernetes"}: a client from {@code [kubernetes] kubeconfig_path}, else fabric8's usual
 * discovery (in-cluster service account, {@code $KUBECONFIG}, {@code ~/.kube/config}). Configuration mistakes stop
 * the server at start with the key named; the API server itself is first asked on the first request, so a cluster
 * that is briefly down does not keep the server from starting.
 */
public final class KubernetesRuntimeProvider implements SandboxRuntimeProvider {
    /** The workloads this runtime creates: a Pod, or upstream's BatchSandbox CRD around the same Pod template. */
    public static final String POD_WORKLOAD = "pod";
    public static final String BATCHSANDBOX_WORKLOAD = "batchsandbox";
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntimeProvider.class);

    @Override
    public String type() {
        return KubernetesRuntime.TYPE;
    }

    @Override
    public SandboxRuntime open(RuntimeContext context) {
        KubernetesSettings k = context.config().kubernetes();
        if (!POD_WORKLOAD.equals(k.workloadProvider()) && !BATCHSANDBOX_WORKLOAD.equals(k.workloadProvider())) {
            throw new IllegalArgumentException("[kubernetes] workload_provider = \"" + k.workloadProvider()
                    + "\" is not available in this build; use \"pod\" (one Pod per sandbox) or \"batchsandbox\" "
                    + "(one BatchSandbox per sandbox; needs runtime/kubernetes/batchsandbox-crd.yaml and upstream's "
                    + "controller in the cluster)");
        }
        PodSettings settings = PodSettings.of(context.config());
        try {
            SandboxResources.of(ResourceLimits.none(), settings.resourceQuota());
            SandboxResources.init(settings.initResources());
        } catch (SandboxException e) {
            throw new IllegalArgumentException("[kubernetes] resource_quota / execd_init_resources: "
                    + e.getMessage());
        }
        var server = context.config().server();
        if (server.tlsCertFile() != null || server.tlsSelfSigned()) {
            // SDKs reach execd with the server's scheme; execd in a Pod has no certificate of its own.
            LOG.warn("the server serves HTTPS but sandbox Pods serve execd over plain HTTP at <pod IP>:44772; "
                    + "SDKs that reuse the server's scheme for endpoints cannot reach them");
        }
        return new KubernetesRuntime(client(home(k.kubeconfigPath()), settings.namespace()), settings,
                BATCHSANDBOX_WORKLOAD.equals(k.workloadProvider()), context.config().egress());
    }

    /** {@code ~/...} as kubectl reads it: the template and upstream's guides write the kubeconfig path that way. */
    static Path home(Path path) {
        if (path == null || !path.startsWith("~")) {
            return path;
        }
        Path home = Path.of(System.getProperty("user.home"));
        return path.getNameCount() == 1 ? home : home.resolve(path.subpath(1, path.getNameCount()));
    }

    static KubernetesClient client(Path kubeconfig, String namespace) {
        Config config;
        if (kubeconfig != null) {
            String text;
            try {
                text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("[kubernetes] kubeconfig_path: cannot read " + kubeconfig + ": "
                        + e.getMessage());
            }
            try {
                config = Config.fromKubeconfig(text);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("[kubernetes] kubeconfig_path: " + kubeconfig
                        + " is not a usable kubeconfig: " + e.getMessage());
            }
        } else {
            config = Config.autoConfigure(null);
        }
        config.setNamespace(namespace);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
