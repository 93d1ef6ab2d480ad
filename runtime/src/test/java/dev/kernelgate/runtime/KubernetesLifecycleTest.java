package dev.kernelgate.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.ServerConfigLoader;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kernelgate server} with {@code [runtime] type = "kubernetes"} through the HTTP API, against the mock API
 * server reached through a kubeconfig file: the configuration path a deployment uses, end to end.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesLifecycleTest {
    private static final String NAMESPACE = "sandboxes";
    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    private ServerConfig config() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                  - name: kernelgate
                    user: {token: "t"}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: kernelgate}
                current-context: mock
                """.formatted(server.url("/").replaceAll("/$", "")));
        ServerConfig c = ServerConfigLoader.parse(dir.resolve("sandbox.toml"), """
                [runtime]
                type = "kubernetes"
                execd_image = "kernelgate/execd:0.1.0"

                [kubernetes]
                kubeconfig_path = "%s"
                namespace = "%s"
                workload_provider = "pod"
                sandbox_create_poll_interval_seconds = 0.02
                node_selector = { "kubernetes.io/os" = "linux" }
                """.formatted(kubeconfig, NAMESPACE));
        ServerConfig base = TestServers.config(dir.resolve("state"));
        return c.withServer(base.server()).withLocal(LocalSettings.defaults().withStateDir(dir.resolve("state")));
    }

    /** Plays the kubelet for the one sandbox Pod the API creates: Running, Ready, with an IP. */
    private CompletableFuture<Pod> readyWhenCreated() {
        return CompletableFuture.supplyAsync(() -> {
            await().atMost(Duration.ofSeconds(20)).until(() -> !pods().isEmpty());
            Pod pod = pods().get(0);
            pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.9.8.7")
                    .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build()).build());
            return client.pods().inNamespace(NAMESPACE).resource(pod).updateStatus();
        });
    }

    private List<Pod> pods() {
        return client.pods().inNamespace(NAMESPACE).list().getItems();
    }

    @Test
    void theApiCreatesInspectsReachesAndDeletesASandboxPod() throws Exception {
        try (LifecycleServer.Running running = TestServers.start(config())) {
            ApiClient api = new ApiClient(running.baseUrl(), TestServers.API_KEY);
            CompletableFuture<Pod> kubelet = readyWhenCreated();
            ApiClient.Reply created = api.post("/v1/sandboxes", ApiClient.createBody(3600,
                    "\"metadata\":{\"owner\":\"k8s-test\"}"));
            assertEquals(202, created.status(), created.raw().body());
            assertEquals("Running", created.body().path("status").path("state").asText());
            String id = created.body().path("id").asText();
            Pod pod = kubelet.get(10, TimeUnit.SECONDS);
            assertEquals("sandbox-" + id, pod.getMetadata().getName());
            assertEquals("k8s-test", pod.getMetadata().getLabels().get("owner"));
            assertEquals("linux", pod.getSpec().getNodeSelector().get("kubernetes.io/os"));

            assertEquals("10.9.8.7:44772", api.get("/v1/sandboxes/" + id + "/endpoints/44772").body()
                    .path("endpoint").asText());
            ApiClient.Reply pause = api.post("/v1/sandboxes/" + id + "/pause", null);
            assertEquals(501, pause.status(), pause.raw().body());
            assertEquals("SANDBOX::API_NOT_SUPPORTED", pause.body().path("code").asText());
            assertEquals("Running", api.get("/v1/sandboxes/" + id).body().path("status").path("state").asText());

            assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
            assertTrue(pods().isEmpty(), "no Pod left");
            assertEquals(404, api.get("/v1/sandboxes/" + id).status());
        }
    }

    @Test
    void anExpiredSandboxLeavesNoPod() throws Exception {
        ServerConfig config = config();
        config = config.withServer(config.server().withTimeouts(60, null));
        MovableClock clock = new MovableClock();
        try (LifecycleServer.Running running = new LifecycleServer(config, System.getenv(),
                RuntimeProviders.builtIn(), clock, Duration.ofMillis(50)).start()) {
            ApiClient api = new ApiClient(running.baseUrl(), TestServers.API_KEY);
            CompletableFuture<Pod> kubelet = readyWhenCreated();
            ApiClient.Reply created = api.post("/v1/sandboxes", ApiClient.createBody(60, null));
            assertEquals(202, created.status(), created.raw().body());
            String id = created.body().path("id").asText();
            Pod pod = kubelet.get(10, TimeUnit.SECONDS);
            assertEquals(clock.instant().plusSeconds(60).toString(),
                    pod.getMetadata().getAnnotations().get("opensandbox.io/expires-at"));

            clock.advance(Duration.ofSeconds(61));
            await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/v1/sandboxes/" + id).status() == 404);
            assertTrue(pods().isEmpty(), "the expired sandbox's Pod is deleted");
        }
    }

    @Test
    void aRestartedServerAdoptsTheSandboxPodsItFinds() throws Exception {
        String id;
        try (LifecycleServer.Running first = TestServers.start(config())) {
            ApiClient api = new ApiClient(first.baseUrl(), TestServers.API_KEY);
            CompletableFuture<Pod> kubelet = readyWhenCreated();
            ApiClient.Reply created = api.post("/v1/sandboxes", ApiClient.createBody(3600, null));
            assertEquals(202, created.status(), created.raw().body());
            id = created.body().path("id").asText();
            kubelet.get(10, TimeUnit.SECONDS);
        }
        assertEquals(1, pods().size(), "Pods outlive the server");
        try (LifecycleServer.Running second = TestServers.start(config())) {
            ApiClient api = new ApiClient(second.baseUrl(), TestServers.API_KEY);
            ApiClient.Reply found = api.get("/v1/sandboxes/" + id);
            assertEquals(200, found.status(), found.raw().body());
            assertEquals("Running", found.body().path("status").path("state").asText());
            assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        }
        assertTrue(pods().isEmpty());
    }
}
