package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.ErrorCodes;
import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Comparator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code [runtime] type = "kubernetes"}: one Pod per sandbox (see {@link SandboxPods}), reached directly at its Pod IP.
 * The server keeps no state of its own here: a Pod's labels and annotations say everything {@link #recover()} needs.
 * With {@code workload_provider = "batchsandbox"} the runtime creates a BatchSandbox around the same Pod template
 * instead (see {@link BatchSandboxes}); upstream's controller creates the Pod, which the runtime finds by its labels.
 */
public final class KubernetesRuntime implements SandboxRuntime {
    public static final String TYPE = "kubernetes";
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntime.class);

    private final KubernetesClient client;
    private final PodSettings settings;
    private final SandboxPods pods;
    private final boolean batchSandbox;

    /** One Pod per sandbox. Takes over {@code client}: {@link #close()} closes it. */
    public KubernetesRuntime(KubernetesClient client, PodSettings settings) {
        this(client, settings, false);
    }

    /** One Pod, or one BatchSandbox when {@code batchSandbox}, per sandbox. Takes over {@code client}. */
    public KubernetesRuntime(KubernetesClient client, PodSettings settings, boolean batchSandbox) {
        this.client = client;
        this.settings = settings;
        this.pods = new SandboxPods(settings);
        this.batchSandbox = batchSandbox;
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
        Pod pod = pods.pod(spec);
        if (batchSandbox) {
            GenericKubernetesResource batch = BatchSandboxes.of(pod, spec.expiresAt());
            call("create BatchSandbox " + pod.getMetadata().getName(), () -> batches().resource(batch).create());
        } else {
            call("create Pod " + pod.getMetadata().getName(), () -> client.pods().inNamespace(settings.namespace())
                    .resource(pod).create());
        }
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
        if (batchSandbox) {
            return findBatch(id).map(b -> BatchSandboxes.state(b, controllerPod(id)));
        }
        return find(id).map(PodStates::of);
    }

    private Optional<Pod> find(String id) {
        if (batchSandbox) {
            return findBatch(id).flatMap(b -> controllerPod(id));
        }
        return Optional.ofNullable(call("read Pod " + PodMetadata.podName(id), () -> pod(id).get()));
    }

    private Optional<GenericKubernetesResource> findBatch(String id) {
        return Optional.ofNullable(call("read BatchSandbox " + PodMetadata.podName(id), () -> batch(id).get()));
    }

    /** The Pod upstream's controller made for the sandbox: found by its id label, one not being deleted first. */
    private Optional<Pod> controllerPod(String id) {
        return call("list Pods of sandbox " + id, () -> client.pods().inNamespace(settings.namespace())
                .withLabel(PodMetadata.ID, id).list().getItems()).stream()
                .min(Comparator.comparing(p -> p.getMetadata().getDeletionTimestamp() != null));
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> batches() {
        return client.genericKubernetesResources(BatchSandboxes.CONTEXT).inNamespace(settings.namespace());
    }

    private Resource<GenericKubernetesResource> batch(String id) {
        return batches().withName(PodMetadata.podName(id));
    }

    private PodResource pod(String id) {
        return client.pods().inNamespace(settings.namespace()).withName(PodMetadata.podName(id));
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
        // Background propagation: the call returns at once, the kubelet stops the containers (SIGTERM to the
        // bootstrap, which forwards it to the entrypoint). A missing Pod is what the caller wanted.
        if (batchSandbox) {
            // Upstream's controller owns the Pod and the garbage collector removes it with the BatchSandbox. Its
            // labelled Pods go too: the sandbox then ends as promptly as a pod-provider one, and a Pod left by a
            // controller that is down or set no owner reference does not outlive the sandbox.
            call("delete BatchSandbox " + PodMetadata.podName(id), () -> batch(id).delete());
            call("delete Pods of sandbox " + id, () -> client.pods().inNamespace(settings.namespace())
                    .withLabel(PodMetadata.ID, id).delete());
            return;
        }
        call("delete Pod " + PodMetadata.podName(id), () -> pod(id).delete());
    }

    @Override
    public SandboxEndpoint endpoint(String id, int port) {
        if (batchSandbox && findBatch(id).isPresent() && controllerPod(id).isEmpty()) {
            throw new SandboxException(409, KubernetesErrors.SANDBOX_NOT_REACHABLE, "Sandbox " + id
                    + " has no Pod yet: upstream's BatchSandbox controller has not created it");
        }
        Pod pod = find(id).orElseThrow(() -> KubernetesErrors.notFound(id));
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip == null || ip.isBlank()) {
            throw new SandboxException(409, KubernetesErrors.SANDBOX_NOT_REACHABLE, "Sandbox " + id
                    + " has no Pod IP yet (state " + PodStates.of(pod).state().wire() + ")");
        }
        return new SandboxEndpoint((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port, Map.of());
    }

    @Override
    public void expirationChanged(String id, Instant expiresAt) {
        if (batchSandbox) {
            call("update BatchSandbox " + PodMetadata.podName(id), () -> batch(id).edit(b -> {
                b.getMetadata().setAnnotations(withExpiry(b.getMetadata().getAnnotations(), expiresAt));
                BatchSandboxes.setExpiry(b, expiresAt);
                return b;
            }));
            return;
        }
        call("annotate Pod " + PodMetadata.podName(id), () -> pod(id).edit(p -> {
            p.getMetadata().setAnnotations(withExpiry(p.getMetadata().getAnnotations(), expiresAt));
            return p;
        }));
    }

    private static Map<String, String> withExpiry(Map<String, String> current, Instant expiresAt) {
        Map<String, String> annotations = new HashMap<>(current);
        annotations.remove(PodMetadata.EXPIRES_AT);
        annotations.remove(PodMetadata.MANUAL_CLEANUP);
        annotations.putAll(PodMetadata.expiry(expiresAt));
        return annotations;
    }

    @Override
    public void metadataChanged(String id, Map<String, String> metadata) {
        if (batchSandbox) {
            // The BatchSandbox's labels are what recover() reads; the Pod keeps its id label, by which it is found.
            call("label BatchSandbox " + PodMetadata.podName(id), () -> batch(id).edit(b -> {
                b.getMetadata().setLabels(PodMetadata.labels(id, metadata));
                return b;
            }));
            return;
        }
        call("label Pod " + PodMetadata.podName(id), () -> pod(id).edit(p -> {
            p.getMetadata().setLabels(PodMetadata.labels(id, metadata));
            return p;
        }));
    }

    @Override
    public List<RecoveredSandbox> recover() {
        if (batchSandbox) {
            // One list of the controller's Pods (they carry the template's labels), not one request per sandbox.
            Map<String, Pod> podsById = new HashMap<>();
            managedPods().stream().filter(KubernetesRuntime::adoptable)
                    .forEach(p -> podsById.putIfAbsent(p.getMetadata().getLabels().get(PodMetadata.ID), p));
            List<RecoveredSandbox> found = call("list BatchSandboxes", () -> batches()
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
            LOG.info("found {} BatchSandboxes in namespace {}", found.size(), settings.namespace());
            return found;
        }
        List<RecoveredSandbox> found = managedPods().stream()
                .filter(KubernetesRuntime::adoptable)
                .map(p -> new RecoveredSandbox(PodMetadata.spec(p), PodStates.of(p)))
                .toList();
        LOG.info("found {} sandbox Pods in namespace {}", found.size(), settings.namespace());
        return found;
    }

    /** A sandbox Pod, and not one already being deleted (a delete that raced the restart): it is on its way out. */
    static boolean adoptable(Pod pod) {
        return pod.getMetadata().getLabels() != null && pod.getMetadata().getLabels().containsKey(PodMetadata.ID)
                && pod.getMetadata().getDeletionTimestamp() == null;
    }

    private List<Pod> managedPods() {
        return call("list sandbox Pods", () -> client.pods().inNamespace(settings.namespace())
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

    private <T> T call(String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            throw KubernetesErrors.api(action, settings.namespace(), e);
        }
    }
}
