package dev.kernelgate.runtime.kubernetes;

import static dev.kernelgate.runtime.kubernetes.ShippedManifests.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.EgressSettings;
import dev.kernelgate.runtime.spi.SandboxSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The manifests shipped in {@code runtime/kubernetes/} parse into typed Kubernetes objects with no field the model
 * does not know (the field check {@code kubectl apply --dry-run=client} leaves to the server, see
 * {@link KubectlDryRunTest}), say what the runtime needs, and the example Pod is exactly what the runtime builds.
 */
class KubernetesManifestsTest {
    @Test
    void everyShippedManifestIsChecked() throws IOException {
        try (Stream<Path> files = Files.list(ShippedManifests.DIR)) {
            assertEquals(ShippedManifests.FILES, files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))
                    .sorted().toList());
        }
    }

    @ParameterizedTest
    @FieldSource("dev.kernelgate.runtime.kubernetes.ShippedManifests#FILES")
    void everyFieldOfAShippedManifestIsOneTheApiKnows(String file) throws IOException {
        List<HasMetadata> objects = load(file);
        assertFalse(objects.isEmpty(), file);
        for (HasMetadata object : objects) {
            assertEquals(List.of(), ShippedManifests.unknownFields(object), file);
        }
    }

    @Test
    void aMisspeltFieldIsFoundAtItsPath() {
        HasMetadata pod = ShippedManifests.parse("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  lables: {a: b}
                spec:
                  containers:
                    - name: c
                      image: busybox
                      securityContext:
                        readOnlyRootFileSystem: true
                """).get(0);
        assertEquals(List.of("Pod/p.metadata.lables",
                "Pod/p.spec.containers[0].securityContext.readOnlyRootFileSystem"),
                ShippedManifests.unknownFields(pod));
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
    void theBatchSandboxDefinitionServesWhatTheRuntimeCreatesAndTheServerMayManageIt() throws Exception {
        CustomResourceDefinition crd = (CustomResourceDefinition) load("batchsandbox-crd.yaml").get(0);
        var context = BatchSandboxes.CONTEXT;
        assertEquals(context.getPlural() + "." + context.getGroup(), crd.getMetadata().getName());
        assertEquals(context.getGroup(), crd.getSpec().getGroup());
        assertEquals(context.getKind(), crd.getSpec().getNames().getKind());
        assertEquals(context.getPlural(), crd.getSpec().getNames().getPlural());
        assertEquals("Namespaced", crd.getSpec().getScope());
        var version = crd.getSpec().getVersions().get(0);
        assertEquals(context.getVersion(), version.getName());
        assertTrue(version.getServed() && version.getStorage());
        var spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec").getProperties();
        assertEquals("integer", spec.get("replicas").getType());
        assertEquals("date-time", spec.get("expireTime").getFormat());
        assertTrue(spec.get("template").getXKubernetesPreserveUnknownFields());
        assertEquals(List.of("replicas", "poolRef", "template", "expireTime", "pause"), List.copyOf(spec.keySet()));

        Role role = (Role) load("rbac.yaml").stream().filter(o -> o instanceof Role).findFirst().orElseThrow();
        PolicyRule batches = role.getRules().stream().filter(r -> r.getResources().contains(context.getPlural()))
                .findFirst().orElseThrow();
        assertEquals(List.of(context.getGroup()), batches.getApiGroups());
        assertTrue(batches.getVerbs().containsAll(List.of("get", "list", "watch", "create", "patch", "delete")),
                batches.toString());
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
        // With a networkPolicy: the example shows the egress sidecar too.
        SandboxSpec.NetworkPolicy policy = new SandboxSpec.NetworkPolicy("deny",
                List.of(new SandboxSpec.EgressRule("allow", "pypi.org"), new SandboxSpec.EgressRule("allow",
                        "*.pythonhosted.org")));
        SandboxSpec spec = new SandboxSpec(id, fixture.image(), fixture.entrypoint(), fixture.env(),
                fixture.metadata(), fixture.resources(), null, List.of(), policy, false, Map.of(),
                fixture.createdAt(), fixture.expiresAt());
        Pod built = new SandboxPods(PodFixtures.settings(), EgressSettings.defaults(), () -> "example-egress-token")
                .pod(spec);
        assertEquals(example.getMetadata(), built.getMetadata());
        assertEquals(example.getSpec(), built.getSpec());
    }
}
