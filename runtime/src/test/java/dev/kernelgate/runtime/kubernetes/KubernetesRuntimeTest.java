package dev.kernelgate.runtime.kubernetes;

import static dev.kernelgate.runtime.kubernetes.PodFixtures.NAMESPACE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.spi.InternalEndpoint;
import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.ResourceLimits;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kubernetes runtime against fabric8's mock API server in CRUD mode; the tests play the kubelet's part. */
@EnableKubernetesMockClient(crud = true)
class KubernetesRuntimeTest {
    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesRuntime runtime;

    @BeforeEach
    void open() {
        runtime = new KubernetesRuntime(server.createClient(), PodFixtures.settings());
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    private Pod podOf(String id) {
        return client.pods().inNamespace(NAMESPACE).withName(PodMetadata.podName(id)).get();
    }

    /** Starts create on another thread, becomes Ready like a kubelet would, and returns create's answer. */
    private SandboxStatus createReady(SandboxSpec spec, String ip) throws Exception {
        CompletableFuture<SandboxStatus> created = CompletableFuture.supplyAsync(() -> runtime.create(spec));
        await().atMost(Duration.ofSeconds(10)).until(() -> podOf(spec.id()) != null);
        assertFalse(created.isDone(), "create waits for the Pod to be Ready");
        PodFixtures.setStatus(client, spec.id(), PodFixtures.running(true, ip));
        return created.get(10, TimeUnit.SECONDS);
    }

    @Test
    void createMakesAPodWithTheInjectedExecdAndTheHardening() throws Exception {
        SandboxSpec spec = PodFixtures.spec();
        assertEquals(SandboxState.RUNNING, createReady(spec, "10.4.0.7").state());

        Pod pod = podOf(spec.id());
        var podSpec = pod.getSpec();
        // Injection: an init container copies the distribution into an emptyDir the sandbox mounts read-only.
        assertEquals(1, podSpec.getInitContainers().size());
        Container init = podSpec.getInitContainers().get(0);
        assertEquals("registry.example/kernelgate/execd:0.1.0", init.getImage());
        assertEquals(List.of("cp", "-R", "/opt/kernelgate/.", "/mnt/kernelgate/"), init.getCommand());
        assertEquals(SandboxPods.DISTRIBUTION_VOLUME, init.getVolumeMounts().get(0).getName());
        assertEquals(new Quantity("100m"), init.getResources().getLimits().get("cpu"));
        assertTrue(podSpec.getVolumes().stream().anyMatch(v -> v.getName().equals(SandboxPods.DISTRIBUTION_VOLUME)
                && v.getEmptyDir() != null));
        Container main = podSpec.getContainers().get(0);
        assertEquals("python:3.12-slim", main.getImage());
        assertEquals(List.of("/opt/kernelgate/bootstrap.sh"), main.getCommand());
        assertEquals(List.of("python", "-m", "http.server"), main.getArgs());
        VolumeMount dist = main.getVolumeMounts().get(0);
        assertEquals("/opt/kernelgate", dist.getMountPath());
        assertTrue(dist.getReadOnly());
        // execd's log directory is an emptyDir of its own, writable, for a node's collector to tail.
        VolumeMount logs = main.getVolumeMounts().get(1);
        assertEquals(List.of("execd-logs", "/var/log/execd"), List.of(logs.getName(), logs.getMountPath()));
        assertTrue(logs.getReadOnly() == null || !logs.getReadOnly());
        assertTrue(podSpec.getVolumes().stream().anyMatch(v -> v.getName().equals("execd-logs")
                && v.getEmptyDir() != null));
        assertTrue(main.getEnv().contains(new EnvVar("GREETING", "hello", null)));
        assertTrue(main.getEnv().contains(new EnvVar("KERNELGATE_EXECD_PORT", "44772", null)));
        assertEquals("/ping", main.getReadinessProbe().getHttpGet().getPath());
        assertEquals(44772, main.getReadinessProbe().getHttpGet().getPort().getIntVal());
        // Hardening and placement.
        var security = main.getSecurityContext();
        assertFalse(security.getAllowPrivilegeEscalation());
        assertFalse(security.getPrivileged());
        assertEquals(List.of("NET_RAW", "SYS_ADMIN"), security.getCapabilities().getDrop());
        assertEquals("RuntimeDefault", security.getSeccompProfile().getType());
        assertEquals(security, init.getSecurityContext());
        assertEquals(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("512Mi")),
                main.getResources().getLimits());
        assertEquals(main.getResources().getLimits(), main.getResources().getRequests());
        assertEquals(Map.of("kubernetes.io/os", "linux"), podSpec.getNodeSelector());
        assertEquals("sandbox-low", podSpec.getPriorityClassName());
        assertEquals("gvisor", podSpec.getRuntimeClassName());
        assertEquals("sandbox-runner", podSpec.getServiceAccountName());
        assertEquals("Never", podSpec.getRestartPolicy());
        assertFalse(podSpec.getEnableServiceLinks());
        // Metadata: labels for the user's metadata and the id, annotations for the deadline.
        assertEquals("ml", pod.getMetadata().getLabels().get("team"));
        assertEquals(spec.id(), pod.getMetadata().getLabels().get(PodMetadata.ID));
        assertEquals(PodFixtures.EXPIRES.toString(), pod.getMetadata().getAnnotations().get(PodMetadata.EXPIRES_AT));
    }

    @Test
    void aNetworkPolicyAddsTheEgressSidecarWhichAloneHoldsNetAdminAndItsTokenGoesWithThe18080Endpoint()
            throws Exception {
        SandboxSpec spec = withPolicy();
        createReady(spec, "10.4.0.20");
        Pod pod = podOf(spec.id());
        Container sidecar = sidecarOf(pod);
        assertEquals("Always", sidecar.getRestartPolicy());
        assertEquals(spec.image().uri(), sidecar.getImage());
        assertEquals(List.of("NET_ADMIN"), sidecar.getSecurityContext().getCapabilities().getAdd());
        assertEquals("/healthz", sidecar.getStartupProbe().getHttpGet().getPath());
        Map<String, String> env = new java.util.HashMap<>();
        sidecar.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        assertEquals("{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":\"pypi.org\"}]}",
                env.get("OPENSANDBOX_EGRESS_RULES"));
        String token = pod.getMetadata().getAnnotations().get("opensandbox.io/egress-auth-token");
        assertEquals(token, env.get("OPENSANDBOX_EGRESS_TOKEN"));
        assertTrue(token.length() >= 32, token);
        Container main = pod.getSpec().getContainers().get(0);
        assertTrue(main.getSecurityContext().getCapabilities().getDrop().containsAll(List.of("NET_ADMIN", "NET_RAW")));
        assertTrue(main.getSecurityContext().getCapabilities().getAdd().isEmpty());

        assertEquals(Map.of("OPENSANDBOX-EGRESS-AUTH", token), runtime.endpoint(spec.id(), 18080).headers());
        assertEquals("10.4.0.20:18080", runtime.endpoint(spec.id(), 18080).endpoint());
        assertTrue(runtime.endpoint(spec.id(), 44772).headers().isEmpty());
    }

    /** The Pod's egress sidecar, after the installer among its init containers. */
    private static Container sidecarOf(Pod pod) {
        List<Container> init = pod.getSpec().getInitContainers();
        assertEquals(List.of(SandboxPods.INIT_CONTAINER, EgressSidecar.CONTAINER),
                init.stream().map(Container::getName).toList());
        return init.get(1);
    }

    /** The fixture's spec with a deny-all but pypi.org {@code networkPolicy}. */
    private static SandboxSpec withPolicy() {
        SandboxSpec fixture = PodFixtures.spec();
        return new SandboxSpec(fixture.id(), fixture.image(), fixture.entrypoint(), fixture.env(), fixture.metadata(),
                fixture.resources(), null, List.of(), new SandboxSpec.NetworkPolicy("deny",
                List.of(new SandboxSpec.EgressRule("allow", "pypi.org"))), false, Map.of(), fixture.createdAt(),
                fixture.expiresAt());
    }

    private KubernetesRuntime dnsNft(String image) {
        return new KubernetesRuntime(server.createClient(), PodFixtures.settings(), false,
                new dev.kernelgate.runtime.config.EgressSettings(image, "dns+nft", true, null));
    }

    @Test
    void dnsNftRunsTheSidecarInTheConfiguredImageAloneWithNetAdmin() throws Exception {
        runtime.close();
        runtime = dnsNft("registry.example/egress-with-iptables:1");
        SandboxSpec spec = withPolicy();
        runtime.validate(spec);
        createReady(spec, "10.4.0.21");
        Pod pod = podOf(spec.id());
        Container sidecar = sidecarOf(pod);
        assertEquals("Always", sidecar.getRestartPolicy(), "a native sidecar");
        assertEquals("registry.example/egress-with-iptables:1", sidecar.getImage(), "[egress] image");
        assertTrue(sidecar.getEnv().contains(new EnvVar("OPENSANDBOX_EGRESS_MODE", "dns+nft", null)),
                "" + sidecar.getEnv());
        assertEquals("FallbackToLogsOnError", sidecar.getTerminationMessagePolicy(),
                "a sidecar that cannot program the rules leaves its reason as the termination message");
        assertEquals(List.of("NET_ADMIN"), sidecar.getSecurityContext().getCapabilities().getAdd());
        assertFalse(sidecar.getSecurityContext().getCapabilities().getDrop().contains("NET_ADMIN"));
        assertEquals("/healthz", sidecar.getStartupProbe().getHttpGet().getPath());
        Container main = pod.getSpec().getContainers().get(0);
        for (Container other : List.of(pod.getSpec().getInitContainers().get(0), main)) {
            var caps = other.getSecurityContext().getCapabilities();
            assertTrue(caps.getAdd() == null || caps.getAdd().isEmpty(), other.getName() + " adds nothing");
        }
        assertEquals("python:3.12-slim", main.getImage());
        assertTrue(main.getSecurityContext().getCapabilities().getDrop().containsAll(List.of("NET_ADMIN", "NET_RAW")));

        // Without [egress] image the sidecar runs the sandbox's own image, as in dns mode.
        try (KubernetesRuntime own = dnsNft(null)) {
            SandboxSpec second = withPolicy();
            CompletableFuture<SandboxStatus> created = CompletableFuture.supplyAsync(() -> own.create(second));
            await().atMost(Duration.ofSeconds(10)).until(() -> podOf(second.id()) != null);
            assertEquals("python:3.12-slim", podOf(second.id()).getSpec().getInitContainers().get(1).getImage());
            PodFixtures.setStatus(client, second.id(), PodFixtures.running(true, "10.4.0.22"));
            assertEquals(SandboxState.RUNNING, created.get(10, TimeUnit.SECONDS).state());
        }
    }

    @Test
    void aSidecarThatCannotProgramTheRulesFailsCreateWithItsReason() {
        runtime.close();
        runtime = dnsNft(null);
        String reason = "kernelgate egress: the egress sidecar cannot start: dns+nft needs iptables in the egress "
                + "sidecar, and iptables is not in this image (looked in [/usr/local/bin, /usr/bin, /usr/sbin])";
        String log = "12:00:01.123 INFO  egress sidecar starting\n" + reason + "\n";
        // First the sidecar's exit as an init container that failed, then as a native sidecar in back-off.
        for (boolean backOff : new boolean[] {false, true}) {
            SandboxSpec spec = withPolicy();
            CompletableFuture<SandboxStatus> created = CompletableFuture.supplyAsync(() -> runtime.create(spec));
            await().atMost(Duration.ofSeconds(10)).until(() -> podOf(spec.id()) != null);
            var exited = new io.fabric8.kubernetes.api.model.ContainerStateBuilder().withNewTerminated()
                    .withExitCode(2).withReason("Error").withMessage(log).endTerminated().build();
            var sidecar = new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                    .withName(EgressSidecar.CONTAINER);
            if (backOff) {
                sidecar.withLastState(exited).withState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                        .withNewWaiting().withReason("CrashLoopBackOff")
                        .withMessage("back-off 10s restarting failed container=egress").endWaiting().build());
            } else {
                sidecar.withState(exited);
            }
            PodFixtures.setStatus(client, spec.id(), PodFixtures.phase("Pending",
                    b -> b.withInitContainerStatuses(sidecar.build())));
            Exception e = assertThrows(Exception.class, () -> created.get(10, TimeUnit.SECONDS));
            SandboxException cause = (SandboxException) e.getCause();
            assertEquals("KUBERNETES::SANDBOX_START_FAILED", cause.code());
            assertTrue(cause.getMessage().endsWith("exited 2: " + reason), cause.getMessage());
            assertFalse(cause.getMessage().contains("INFO"), "the reason, not the whole log: " + cause.getMessage());
            assertNull(podOf(spec.id()), "nothing left behind");
        }
    }

    @Test
    void inspectFollowsThePodsPhaseAndReadiness() throws Exception {
        SandboxSpec spec = PodFixtures.spec();
        createReady(spec, "10.4.0.8");
        String id = spec.id();
        assertEquals(SandboxState.RUNNING, runtime.inspect(id).orElseThrow().state());

        PodFixtures.setStatus(client, id, PodFixtures.running(false, "10.4.0.8"));
        SandboxStatus notReady = runtime.inspect(id).orElseThrow();
        assertEquals(SandboxState.PENDING, notReady.state());
        assertEquals("ExecdNotReady", notReady.reason());

        PodFixtures.setStatus(client, id, PodFixtures.exited("Failed", 137, "OOMKilled"));
        SandboxStatus failed = runtime.inspect(id).orElseThrow();
        assertEquals(SandboxState.FAILED, failed.state());
        assertTrue(failed.message().contains("137") && failed.message().contains("OOMKilled"), failed.message());

        PodFixtures.setStatus(client, id, PodFixtures.exited("Succeeded", 0, "Completed"));
        assertEquals(SandboxState.TERMINATED, runtime.inspect(id).orElseThrow().state());

        assertTrue(runtime.inspect("00000000-0000-0000-0000-000000000000").isEmpty());
    }

    @Test
    void endpointsAreThePodIpAndThePort() throws Exception {
        SandboxSpec spec = PodFixtures.spec();
        createReady(spec, "10.4.0.9");
        assertEquals("10.4.0.9:44772", runtime.endpoint(spec.id(), 44772).endpoint());
        assertEquals("10.4.0.9:8080", runtime.endpoint(spec.id(), 8080).endpoint());
        assertTrue(runtime.endpoint(spec.id(), 8080).headers().isEmpty());
        // The server proxy goes to the Pod IP too.
        assertEquals(InternalEndpoint.direct("10.4.0.9", 8080), runtime.internalEndpoint(spec.id(), 8080));

        PodFixtures.setStatus(client, spec.id(), PodFixtures.running(true, "fd00::12"));
        assertEquals("[fd00::12]:44772", runtime.endpoint(spec.id(), 44772).endpoint());
        assertEquals(InternalEndpoint.direct("fd00::12", 44772), runtime.internalEndpoint(spec.id(), 44772));

        SandboxException unknown = assertThrows(SandboxException.class,
                () -> runtime.endpoint("00000000-0000-0000-0000-000000000000", 44772));
        assertEquals(404, unknown.status());
        assertEquals("KUBERNETES::SANDBOX_NOT_FOUND", unknown.code());
    }

    @Test
    void deleteLeavesNoPodAndIsIdempotent() throws Exception {
        SandboxSpec spec = PodFixtures.spec();
        createReady(spec, "10.4.0.10");
        runtime.delete(spec.id());
        await().atMost(Duration.ofSeconds(5)).until(() -> podOf(spec.id()) == null);
        assertTrue(runtime.inspect(spec.id()).isEmpty());
        runtime.delete(spec.id());
        assertTrue(client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
    }

    @Test
    void aNewRuntimeRecoversSandboxesFromLabelsWithTheirDeadlinesAndMetadata() throws Exception {
        SandboxSpec spec = PodFixtures.spec();
        createReady(spec, "10.4.0.11");
        Instant later = PodFixtures.EXPIRES.plusSeconds(600);
        runtime.expirationChanged(spec.id(), later);
        runtime.metadataChanged(spec.id(), Map.of("team", "infra", "stage", "dev"));
        // A Pod nobody here manages is not adopted.
        client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName("other")
                .addToLabels(PodMetadata.ID, "not-ours").endMetadata().withNewSpec().addNewContainer()
                .withName("c").withImage("busybox").endContainer().endSpec().build()).create();

        try (KubernetesRuntime restarted = new KubernetesRuntime(server.createClient(), PodFixtures.settings())) {
            List<RecoveredSandbox> found = restarted.recover();
            assertEquals(1, found.size());
            RecoveredSandbox r = found.get(0);
            assertEquals(spec.id(), r.spec().id());
            assertEquals(later, r.spec().expiresAt());
            assertEquals(PodFixtures.CREATED, r.spec().createdAt());
            assertEquals(spec.entrypoint(), r.spec().entrypoint());
            assertEquals("python:3.12-slim", r.spec().image().uri());
            assertEquals(Map.of("team", "infra", "stage", "dev"), r.spec().metadata());
            assertEquals(SandboxState.RUNNING, r.status().state());
            assertEquals(List.of("python:3.12-slim"), restarted.images());
            restarted.delete(spec.id());
        }
        assertNull(podOf(spec.id()));
    }

    @Test
    void aSandboxWithoutTimeoutIsMarkedForManualCleanup() throws Exception {
        SandboxSpec base = PodFixtures.spec();
        SandboxSpec spec = new SandboxSpec(base.id(), base.image(), base.entrypoint(), base.env(), base.metadata(),
                base.resources(), null, List.of(), null, false, Map.of(), base.createdAt(), null);
        createReady(spec, "10.4.0.12");
        assertEquals("true", podOf(spec.id()).getMetadata().getAnnotations().get(PodMetadata.MANUAL_CLEANUP));
        assertNull(runtime.recover().get(0).spec().expiresAt());
    }

    @Test
    void pauseAndResumeAreNotSupportedAsUpstreamSays() {
        for (Runnable call : List.<Runnable>of(() -> runtime.pause("x"), () -> runtime.resume("x"))) {
            SandboxException e = assertThrows(SandboxException.class, call::run);
            assertEquals(501, e.status());
            assertEquals("SANDBOX::API_NOT_SUPPORTED", e.code());
        }
    }

    @Test
    void aFailedInitContainerFailsCreateAtOnceAndLeavesNoPod() {
        SandboxSpec spec = PodFixtures.spec();
        CompletableFuture<SandboxStatus> created = CompletableFuture.supplyAsync(() -> runtime.create(spec));
        await().atMost(Duration.ofSeconds(10)).until(() -> podOf(spec.id()) != null);
        PodFixtures.setStatus(client, spec.id(), PodFixtures.initFailed());
        Exception e = assertThrows(Exception.class, () -> created.get(10, TimeUnit.SECONDS));
        SandboxException cause = (SandboxException) e.getCause();
        assertEquals("KUBERNETES::SANDBOX_START_FAILED", cause.code());
        assertTrue(cause.getMessage().contains("kernelgate-installer"), cause.getMessage());
        assertNull(podOf(spec.id()));
    }

    @Test
    void aPodThatNeverBecomesReadyTimesOutAndIsRemoved() {
        try (KubernetesRuntime impatient = new KubernetesRuntime(server.createClient(),
                PodFixtures.settings(Duration.ofMillis(300)))) {
            SandboxSpec spec = PodFixtures.spec();
            SandboxException e = assertThrows(SandboxException.class, () -> impatient.create(spec));
            assertEquals("KUBERNETES::POD_READY_TIMEOUT", e.code());
            assertNull(podOf(spec.id()));
        }
    }

    @Test
    void aCredentialProxyIsRefusedBeforeAnyPodIsCreated() {
        SandboxSpec f = PodFixtures.spec();
        SandboxSpec spec = new SandboxSpec(f.id(), f.image(), f.entrypoint(), f.env(), f.metadata(), f.resources(),
                null, List.of(), new SandboxSpec.NetworkPolicy("deny", List.of()), false, Map.of(), f.createdAt(),
                f.expiresAt(), true);
        SandboxException refused = assertThrows(SandboxException.class, () -> runtime.validate(spec));
        assertEquals(400, refused.status());
        assertEquals("SANDBOX::API_NOT_SUPPORTED", refused.code());
        assertTrue(refused.getMessage().contains("credentialProxy"), refused.getMessage());
        assertTrue(client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
    }

    @Test
    void resourceQuotaBoundsLimitsAndFillsInMissingOnes() throws Exception {
        SandboxSpec greedy = PodFixtures.spec(new ResourceLimits(8000, 0, 0, Map.of("cpu", "8")));
        SandboxException e = assertThrows(SandboxException.class, () -> runtime.validate(greedy));
        assertEquals(400, e.status());
        assertEquals("KUBERNETES::RESOURCE_QUOTA_EXCEEDED", e.code());

        var gpus = SandboxResources.of(new ResourceLimits(0, 0, 2, Map.of("gpu", "2")), Map.of("gpu", "4"));
        assertEquals(new Quantity("2"), gpus.getLimits().get("nvidia.com/gpu"));
        assertEquals(1, gpus.getLimits().size(), "the quota's gpu is the same resource, not a second one");
        assertEquals("KUBERNETES::RESOURCE_QUOTA_EXCEEDED", assertThrows(SandboxException.class,
                () -> SandboxResources.of(new ResourceLimits(0, 0, 8, Map.of("gpu", "8")), Map.of("gpu", "4")))
                .code());

        SandboxSpec modest = PodFixtures.spec(ResourceLimits.none());
        createReady(modest, "10.4.0.13");
        assertEquals(Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi")),
                podOf(modest.id()).getSpec().getContainers().get(0).getResources().getLimits());
    }

    @Test
    void aPvcVolumeIsAPersistentVolumeClaimVolumeMountedWithItsSubPathAndMode() throws Exception {
        SandboxSpec base = PodFixtures.spec();
        SandboxSpec spec = new SandboxSpec(base.id(), base.image(), base.entrypoint(), Map.of(), Map.of(),
                ResourceLimits.none(), null, List.of(
                        new SandboxSpec.VolumeSpec("train", "/mnt/train", true, "datasets/train", "pvc", null,
                                new SandboxSpec.PvcClaim("shared-data", true, false), Map.of()),
                        new SandboxSpec.VolumeSpec("work", "/work", false, null, "pvc", null,
                                new SandboxSpec.PvcClaim("scratch", true, true), Map.of())),
                null, false, Map.of(), base.createdAt(), null);
        createReady(spec, "10.4.0.9");
        var podSpec = podOf(spec.id()).getSpec();
        var train = podSpec.getVolumes().stream().filter(v -> v.getName().equals("train")).findFirst().orElseThrow();
        assertEquals("shared-data", train.getPersistentVolumeClaim().getClaimName());
        assertTrue(train.getPersistentVolumeClaim().getReadOnly());
        var work = podSpec.getVolumes().stream().filter(v -> v.getName().equals("work")).findFirst().orElseThrow();
        assertEquals("scratch", work.getPersistentVolumeClaim().getClaimName());
        assertFalse(work.getPersistentVolumeClaim().getReadOnly());
        List<VolumeMount> mounts = podSpec.getContainers().get(0).getVolumeMounts();
        VolumeMount trainMount = mounts.stream().filter(m -> m.getName().equals("train")).findFirst().orElseThrow();
        assertEquals("/mnt/train", trainMount.getMountPath());
        assertEquals("datasets/train", trainMount.getSubPath());
        assertTrue(trainMount.getReadOnly());
        VolumeMount workMount = mounts.stream().filter(m -> m.getName().equals("work")).findFirst().orElseThrow();
        assertNull(workMount.getSubPath());
        assertFalse(workMount.getReadOnly());
        // Claims are the cluster's: none is created or removed by the runtime.
        assertTrue(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems().isEmpty());
        runtime.delete(spec.id());
        assertTrue(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems().isEmpty());
    }

    @Test
    void imageCredentialsAndUnknownVolumeKindsAreRefusedBeforeAnythingIsCreated() {
        SandboxSpec base = PodFixtures.spec();
        SandboxSpec withAuth = new SandboxSpec(base.id(), new SandboxSpec.ImageSpec("private/img", "u", "p"),
                base.entrypoint(), Map.of(), Map.of(), ResourceLimits.none(), null, List.of(), null, false, Map.of(),
                base.createdAt(), null);
        assertEquals("KUBERNETES::IMAGE_AUTH_NOT_SUPPORTED",
                assertThrows(SandboxException.class, () -> runtime.create(withAuth)).code());
        SandboxSpec withOssfs = new SandboxSpec(base.id(), base.image(), base.entrypoint(), Map.of(), Map.of(),
                ResourceLimits.none(), null, List.of(new SandboxSpec.VolumeSpec("data", "/data", false, null, "ossfs",
                null, null, Map.of())), null, false, Map.of(), base.createdAt(), null);
        assertEquals("VOLUME::UNSUPPORTED_BACKEND",
                assertThrows(SandboxException.class, () -> runtime.validate(withOssfs)).code());
        assertTrue(client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
    }

    @Test
    void aRefusalOfTheApiServerIsAClearError() {
        server.expect().post().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("pods is forbidden: User \"system:serviceaccount:x:kernelgate\" cannot create")
                        .build())
                .once();
        SandboxException e = assertThrows(SandboxException.class, () -> runtime.create(PodFixtures.spec()));
        assertEquals("KUBERNETES::API_ERROR", e.code());
        assertEquals(500, e.status());
        assertTrue(e.getMessage().contains("403") && e.getMessage().contains("forbidden")
                && e.getMessage().contains("rbac.yaml"), e.getMessage());
    }

    @Test
    void anUnreachableApiServerIsA503() {
        // No retries: the client's default backoff would only make the test slower, not different.
        try (KubernetesRuntime noRetries = new KubernetesRuntime(server.createClient(
                b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig()), PodFixtures.settings())) {
            server.shutdown();
            SandboxException e = assertThrows(SandboxException.class, () -> noRetries.inspect("x"));
            assertEquals(503, e.status(), e.getMessage());
            assertEquals("KUBERNETES::API_UNREACHABLE", e.code());
            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        }
    }
}
