package dev.kernelgate.runtime.kubernetes;

import static dev.kernelgate.runtime.kubernetes.PodFixtures.NAMESPACE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code workload_provider = "batchsandbox"} against fabric8's mock API server in CRUD mode; the tests play upstream's
 * BatchSandbox controller (the Pod from the template) and the kubelet (its status).
 */
@EnableKubernetesMockClient(crud = true)
class BatchSandboxRuntimeTest {
    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesRuntime runtime;

    @BeforeEach
    void open() {
        runtime = new KubernetesRuntime(server.createClient(), PodFixtures.settings(), true);
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    private GenericKubernetesResource batchOf(String id) {
        return client.genericKubernetesResources(BatchSandboxes.CONTEXT).inNamespace(NAMESPACE)
                .withName(PodMetadata.podName(id)).get();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> specOf(GenericKubernetesResource batch) {
        return (Map<String, Object>) batch.getAdditionalProperties().get("spec");
    }

    /** Plays the controller: a Pod from the BatchSandbox's template, under a name of its own choosing. */
    private Pod controllerCreatesPod(String id) {
        Pod template = BatchSandboxes.template(batchOf(id));
        Pod pod = new PodBuilder(template).editMetadata().withName(PodMetadata.podName(id) + "-0")
                .withLabels(template.getMetadata().getLabels()).endMetadata().build();
        return client.pods().inNamespace(NAMESPACE).resource(pod).create();
    }

    /** Starts create on another thread, plays controller and kubelet, and returns create's answer. */
    private SandboxStatus createReady(SandboxSpec spec, String ip) throws Exception {
        CompletableFuture<SandboxStatus> created = CompletableFuture.supplyAsync(() -> runtime.create(spec));
        await().atMost(Duration.ofSeconds(10)).until(() -> batchOf(spec.id()) != null);
        assertEquals(SandboxState.PENDING, runtime.inspect(spec.id()).orElseThrow().state(),
                "no Pod yet: the sandbox is Pending");
        assertEquals("PodNotCreated", runtime.inspect(spec.id()).orElseThrow().reason());
        assertFalse(created.isDone(), "create waits for the controller's Pod to be Ready");
        Pod pod = controllerCreatesPod(spec.id());
        pod.setStatus(PodFixtures.running(true, ip));
        client.pods().inNamespace(NAMESPACE).resource(pod).updateStatus();
        return created.get(10, TimeUnit.SECONDS);
    }

    @Test
    void createMakesABatchSandboxWhoseTemplateIsThePodProvidersPod() throws Exception {
        SandboxSpec spec = PodFixtures.spec();
        assertEquals(SandboxState.RUNNING, createReady(spec, "10.4.1.7").state());

        GenericKubernetesResource batch = batchOf(spec.id());
        assertEquals("sandbox.opensandbox.io/v1alpha1", batch.getApiVersion());
        assertEquals("BatchSandbox", batch.getKind());
        assertEquals(spec.id(), batch.getMetadata().getLabels().get(PodMetadata.ID));
        assertEquals("ml", batch.getMetadata().getLabels().get("team"));
        Map<String, Object> batchSpec = specOf(batch);
        assertEquals(1, batchSpec.get("replicas"));
        assertEquals(PodFixtures.EXPIRES.toString(), batchSpec.get("expireTime"));
        assertFalse(batchSpec.containsKey("poolRef"), "template and poolRef are exclusive");

        // The template is exactly the Pod the pod provider would create.
        Pod expected = new SandboxPods(PodFixtures.settings()).pod(spec);
        Pod template = BatchSandboxes.template(batch);
        assertEquals(expected.getSpec(), template.getSpec());
        @SuppressWarnings("unchecked")
        Map<String, Object> templateMeta = (Map<String, Object>) ((Map<String, Object>) batchSpec.get("template"))
                .get("metadata");
        assertEquals(expected.getMetadata().getLabels(), templateMeta.get("labels"));
        assertEquals(expected.getMetadata().getAnnotations(), templateMeta.get("annotations"));
        PodSpec podSpec = template.getSpec();
        Container init = podSpec.getInitContainers().get(0);
        assertEquals(List.of("cp", "-R", "/opt/kernelgate/.", "/mnt/kernelgate/"), init.getCommand());
        Container main = podSpec.getContainers().get(0);
        assertEquals(List.of("/opt/kernelgate/bootstrap.sh"), main.getCommand());
        assertEquals(new Quantity("500m"), main.getResources().getLimits().get("cpu"));
        assertEquals(List.of("NET_RAW", "SYS_ADMIN"), main.getSecurityContext().getCapabilities().getDrop());
        assertEquals(Map.of("kubernetes.io/os", "linux"), podSpec.getNodeSelector());
        assertEquals("sandbox-low", podSpec.getPriorityClassName());

        assertEquals("10.4.1.7:44772", runtime.endpoint(spec.id(), 44772).endpoint());
    }

    @Test
    void thePodFailedConditionAndThePodsPhaseGiveTheState() throws Exception {
        SandboxSpec spec = PodFixtures.spec();
        createReady(spec, "10.4.1.8");
        String id = spec.id();
        Pod pod = client.pods().inNamespace(NAMESPACE).withLabel(PodMetadata.ID, id).list().getItems().get(0);
        pod.setStatus(PodFixtures.exited("Succeeded", 0, "Completed"));
        client.pods().inNamespace(NAMESPACE).resource(pod).updateStatus();
        assertEquals(SandboxState.TERMINATED, runtime.inspect(id).orElseThrow().state());

        GenericKubernetesResource batch = batchOf(id);
        batch.setAdditionalProperty("status", Map.of("conditions", List.of(Map.of("type", "PodFailed",
                "status", "True", "reason", "PodFailed", "message", "pod sandbox-0 failed"))));
        client.genericKubernetesResources(BatchSandboxes.CONTEXT).inNamespace(NAMESPACE).resource(batch).update();
        SandboxStatus failed = runtime.inspect(id).orElseThrow();
        assertEquals(SandboxState.FAILED, failed.state());
        assertEquals("pod sandbox-0 failed", failed.message());
    }

    @Test
    void deleteRemovesTheBatchSandboxAndItsPods() throws Exception {
        SandboxSpec spec = PodFixtures.spec();
        createReady(spec, "10.4.1.9");
        runtime.delete(spec.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> batchOf(spec.id()) == null);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(NAMESPACE)
                .withLabel(PodMetadata.ID, spec.id()).list().getItems().isEmpty());
        assertTrue(runtime.inspect(spec.id()).isEmpty());
        SandboxException e = assertThrows(SandboxException.class, () -> runtime.endpoint(spec.id(), 44772));
        assertEquals(404, e.status());
    }

    @Test
    void aNewRuntimeRecoversTheBatchSandboxes() throws Exception {
        SandboxSpec running = PodFixtures.spec();
        createReady(running, "10.4.1.10");
        // A second sandbox whose Pod the controller has not made yet.
        SandboxSpec waiting = PodFixtures.spec();
        client.genericKubernetesResources(BatchSandboxes.CONTEXT).inNamespace(NAMESPACE)
                .resource(BatchSandboxes.of(new SandboxPods(PodFixtures.settings()).pod(waiting), null)).create();
        runtime.expirationChanged(running.id(), Instant.parse("2026-11-26T20:30:00Z"));
        assertEquals("2026-11-26T20:30:00Z", specOf(batchOf(running.id())).get("expireTime"));

        try (KubernetesRuntime restarted = new KubernetesRuntime(server.createClient(), PodFixtures.settings(),
                true)) {
            Map<String, RecoveredSandbox> found = new HashMap<>();
            restarted.recover().forEach(r -> found.put(r.spec().id(), r));
            assertEquals(2, found.size());
            RecoveredSandbox first = found.get(running.id());
            assertEquals(SandboxState.RUNNING, first.status().state());
            assertEquals("python:3.12-slim", first.spec().image().uri());
            assertEquals(List.of("python", "-m", "http.server"), first.spec().entrypoint());
            assertEquals(Map.of("team", "ml"), first.spec().metadata());
            assertEquals(Instant.parse("2026-11-26T20:30:00Z"), first.spec().expiresAt());
            assertEquals(SandboxState.PENDING, found.get(waiting.id()).status().state());
            assertEquals("10.4.1.10:8080", restarted.endpoint(running.id(), 8080).endpoint());
        }
        runtime.expirationChanged(running.id(), null);
        assertNull(specOf(batchOf(running.id())).get("expireTime"));
    }

    @Test
    void anEndpointBeforeTheControllersPodIsAConflict() {
        SandboxSpec spec = PodFixtures.spec();
        client.genericKubernetesResources(BatchSandboxes.CONTEXT).inNamespace(NAMESPACE)
                .resource(BatchSandboxes.of(new SandboxPods(PodFixtures.settings()).pod(spec), null)).create();
        assertEquals(409, assertThrows(SandboxException.class, () -> runtime.endpoint(spec.id(), 44772)).status());
    }

    @Test
    void pauseIsNotOffered() {
        SandboxException e = assertThrows(SandboxException.class, () -> runtime.pause("any"));
        assertEquals(501, e.status());
    }

    @Test
    void theTemplateSurvivesTheApiServersJson() {
        Pod pod = new SandboxPods(PodFixtures.settings()).pod(PodFixtures.spec());
        String json = new KubernetesSerialization().asJson(BatchSandboxes.of(pod, PodFixtures.EXPIRES));
        GenericKubernetesResource back = new KubernetesSerialization().unmarshal(json,
                GenericKubernetesResource.class);
        assertEquals(pod.getSpec(), BatchSandboxes.template(back).getSpec());
    }
}
