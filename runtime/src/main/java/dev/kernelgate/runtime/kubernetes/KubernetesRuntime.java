package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.ErrorCodes;
import dev.kernelgate.runtime.config.EgressSettings;
import dev.kernelgate.runtime.spi.EgressSidecarEnv;
import dev.kernelgate.runtime.spi.InternalEndpoint;
import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code [runtime] type = "kubernetes"}: one Pod per sandbox (see {@link SandboxPods}), reached directly at its Pod IP.
 * The server keeps no state of its own here: a Pod's labels and annotations say everything {@link #recover()} needs.
 * What stands for a sandbox in the cluster is the {@link SandboxWorkload}: the Pod itself, or with
 * {@code workload_provider = "batchsandbox"} a BatchSandbox around the same Pod template, whose controller creates the
 * Pod; readiness, endpoints and errors are the same for both.
 */
public final class KubernetesRuntime implements SandboxRuntime {
    public static final String TYPE = "kubernetes";
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntime.class);

    private final KubernetesClient client;
    private final PodSettings settings;
    private final SandboxPods pods;
    private final SandboxWorkload workload;

    /** One Pod per sandbox. Takes over {@code client}: {@link #close()} closes it. */
    public KubernetesRuntime(KubernetesClient client, PodSettings settings) {
        this(client, settings, false);
    }

    /** One Pod, or one BatchSandbox when {@code batchSandbox}, per sandbox. Takes over {@code client}. */
    public KubernetesRuntime(KubernetesClient client, PodSettings settings, boolean batchSandbox) {
        this(client, settings, batchSandbox, EgressSettings.defaults());
    }

    /** As above; sandboxes with a {@code networkPolicy} get an egress sidecar configured by {@code egress}. */
    public KubernetesRuntime(KubernetesClient client, PodSettings settings, boolean batchSandbox,
                             EgressSettings egress) {
        this.client = client;
        this.settings = settings;
        this.pods = new SandboxPods(settings, egress, EgressSidecarEnv::newToken);
        this.workload = batchSandbox ? new BatchSandboxWorkload(client, settings.namespace())
                : new PodWorkload(client, settings.namespace());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void validate(SandboxSpec spec) {
        pods.check(spec);
    }

    @Override
    public SandboxStatus create(SandboxSpec spec) {
        workload.create(pods.pod(spec), spec.expiresAt());
        try {
            return awaitReady(spec.id());
        } catch (RuntimeException e) {
            try {
                delete(spec.id());
            } catch (RuntimeException cleanup) {
                // The start failure is the one to report; the Pod left behind is named in its suppressed cause.
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Polls the Pod until it is Ready, or fails at once when it can never be (failed init, image pull errors). */
    private SandboxStatus awaitReady(String id) {
        long deadline = System.nanoTime() + settings.createTimeout().toNanos();
        SandboxStatus last = null;
        while (System.nanoTime() < deadline) {
            Optional<SandboxStatus> status = inspect(id);
            if (status.isEmpty()) {
                throw new SandboxException(500, KubernetesErrors.START_FAILED, "Pod " + PodMetadata.podName(id)
                        + " disappeared while starting");
            }
            last = status.get();
            if (last.state() == SandboxState.RUNNING) {
                return last;
            }
            if (last.state().isFinal() || PodStates.hopeless(last)) {
                throw new SandboxException(500, KubernetesErrors.START_FAILED, "sandbox " + id + " did not start: "
                        + last.reason() + (last.message() != null ? ": " + last.message() : ""));
            }
            try {
                Thread.sleep(settings.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException(500, KubernetesErrors.START_FAILED, "interrupted while starting " + id);
            }
        }
        throw new SandboxException(500, KubernetesErrors.POD_READY_TIMEOUT, "Pod " + PodMetadata.podName(id)
                + " was not Ready within " + settings.createTimeout().toSeconds() + " s (last state: "
                + (last == null ? "none" : last.state().wire() + ", " + last.reason()) + ")");
    }

    @Override
    public Optional<SandboxStatus> inspect(String id) {
        return workload.inspect(id);
    }

    /**
     * Upstream's answer on Kubernetes: pausing there is a rootfs snapshot, which a plain Pod cannot do. The
     * BatchSandbox provider answers the same: its {@code spec.pause} is carried out by upstream's snapshot machinery,
     * which this runtime neither ships nor can test, so it is not offered.
     */
    @Override
    public void pause(String id) {
        throw notSupported("Pause");
    }

    @Override
    public void resume(String id) {
        throw notSupported("Resume");
    }

    private static SandboxException notSupported(String operation) {
        return new SandboxException(501, ErrorCodes.API_NOT_SUPPORTED, operation
                + " operation is not supported in Kubernetes runtime");
    }

    @Override
    public void delete(String id) {
        workload.delete(id);
    }

    /** The Pod IP; the egress sidecar's port 18080 with the sandbox's egress token as the header it wants. */
    @Override
    public SandboxEndpoint endpoint(String id, int port) {
        String address = internalEndpoint(id, port).toString();
        if (port != EgressSidecar.API_PORT) {
            return new SandboxEndpoint(address, Map.of());
        }
        Map<String, String> annotations = workload.pod(id).getMetadata().getAnnotations();
        String token = annotations == null ? null : annotations.get(EgressSidecarEnv.TOKEN_KEY);
        return new SandboxEndpoint(address, EgressSidecarEnv.tokenHeader(token));
    }

    /** The Pod IP: the server reaches Pods as clients do. */
    @Override
    public InternalEndpoint internalEndpoint(String id, int port) {
        Pod pod = workload.pod(id);
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip == null || ip.isBlank()) {
            throw new SandboxException(409, KubernetesErrors.SANDBOX_NOT_REACHABLE, "Sandbox " + id
                    + " has no Pod IP yet (state " + PodStates.of(pod).state().wire() + ")");
        }
        return InternalEndpoint.direct(ip, port);
    }

    @Override
    public void expirationChanged(String id, Instant expiresAt) {
        workload.expirationChanged(id, expiresAt);
    }

    @Override
    public void metadataChanged(String id, Map<String, String> metadata) {
        workload.relabel(id, PodMetadata.labels(id, metadata));
    }

    @Override
    public List<RecoveredSandbox> recover() {
        List<RecoveredSandbox> found = workload.recover(managedPods());
        LOG.info("found {} sandboxes in namespace {}", found.size(), settings.namespace());
        return found;
    }

    private List<Pod> managedPods() {
        return KubernetesErrors.call("list sandbox Pods", settings.namespace(), () -> client.pods()
                .inNamespace(settings.namespace())
                .withLabel(PodMetadata.MANAGED_BY, PodMetadata.MANAGER).list().getItems());
    }

    @Override
    public List<String> images() {
        return managedPods().stream().map(p -> p.getSpec().getContainers().get(0).getImage()).distinct().toList();
    }

    /** Pods outlive the server on purpose: the next start adopts them through {@link #recover()}. */
    @Override
    public void close() {
        client.close();
    }

}
