package dev.kernelgate.runtime.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.spi.SandboxSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The manifests shipped in {@code runtime/kubernetes/} parse into typed Kubernetes objects (kubectl's client-side
 * dry run needs a reachable API server for discovery, which these machines do not have), say what the runtime needs,
 * and the example Pod is exactly what the runtime builds.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("kubernetes");
    private final KubernetesSerialization yaml = new KubernetesSerialization();

    private List<HasMetadata> load(String file) throws Exception {
        Object parsed = yaml.unmarshal(Files.readString(DIR.resolve(file)));
        @SuppressWarnings("unchecked")
        List<HasMetadata> items = parsed instanceof List<?> list ? (List<HasMetadata>) list
                : List.of((HasMetadata) parsed);
        return items;
    }

    @Test
    void rbacGivesTheServerEveryVerbTheRuntimeUsesOnPods() throws Exception {
        Map<String, HasMetadata> byKindAndName = load("rbac.yaml").stream()
                .collect(Collectors.toMap(o -> o.getKind() + "/" + o.getMetadata().getName(), o -> o));
        assertTrue(byKindAndName.get("ServiceAccount/kernelgate-server") instanceof ServiceAccount);
        assertTrue(byKindAndName.get("ServiceAccount/sandbox-runner") instanceof ServiceAccount);
        Role role = (Role) byKindAndName.get("Role/kernelgate-sandbox-manager");
        PolicyRule pods = role.getRules().stream().filter(r -> r.getResources().contains("pods")).findFirst()
                .orElseThrow();
        assertTrue(pods.getVerbs().containsAll(List.of("get", "list", "create", "patch", "delete")), pods.toString());
        RoleBinding binding = (RoleBinding) byKindAndName.get("RoleBinding/kernelgate-sandbox-manager");
        assertEquals("kernelgate-server", binding.getSubjects().get(0).getName());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
    }

    @Test
    void theNetworkPolicySelectsTheRuntimesPodsAndAdmitsOnlyTheServerAndClients() throws Exception {
        NetworkPolicy policy = (NetworkPolicy) load("sandbox-network-policy.yaml").get(0);
        assertEquals(Map.of(PodMetadata.MANAGED_BY, PodMetadata.MANAGER),
                policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
        List<Map<String, String>> from = policy.getSpec().getIngress().get(0).getFrom().stream()
                .map(peer -> peer.getPodSelector().getMatchLabels()).toList();
        assertEquals(List.of(Map.of("app.kubernetes.io/component", "sandbox-server"),
                Map.of("kernelgate.dev/sandbox-client", "true")), from);
        // The server's own account in rbac.yaml carries the component label the policy admits.
        assertEquals("sandbox-server", load("rbac.yaml").get(0).getMetadata().getLabels()
                .get("app.kubernetes.io/component"));
    }

    @Test
    void theExamplePodIsWhatTheRuntimeBuilds() throws Exception {
        Pod example = (Pod) load("sandbox-pod.example.yaml").get(0);
        SandboxSpec fixture = PodFixtures.spec();
        String id = example.getMetadata().getLabels().get(PodMetadata.ID);
        SandboxSpec spec = new SandboxSpec(id, fixture.image(), fixture.entrypoint(), fixture.env(),
                fixture.metadata(), fixture.resources(), null, List.of(), null, false, Map.of(), fixture.createdAt(),
                fixture.expiresAt());
        Pod built = new SandboxPods(PodFixtures.settings()).pod(spec);
        assertEquals(example.getMetadata(), built.getMetadata());
        assertEquals(example.getSpec(), built.getSpec());
    }
}
