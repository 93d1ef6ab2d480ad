package dev.kernelgate.runtime.kubernetes;

import static dev.kernelgate.runtime.kubernetes.PodFixtures.NAMESPACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.File;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped manifests pass {@code kubectl apply --dry-run=client} the way the README runs it ({@code -n sandboxes}),
 * against fabric8's mock API server on 127.0.0.1 (CRUD mode, plus {@link MockApiDiscovery}: kubectl needs discovery to
 * map each kind to a resource, and asks the server whether each object already exists).
 *
 * <p>Validation is left at kubectl's default ({@code --validate=strict}). What that does, with a real API server as
 * with this one: kubectl reads {@code /openapi/v3} and the group-version's document, sees that the server supports
 * the {@code fieldValidation} parameter for the kind, and leaves field validation to the server, which a client-side
 * dry run never reaches. kubectl validates against a schema of its own only for kinds without that parameter, and
 * then from the protobuf {@code /openapi/v2} document; the mock publishes that one empty, because the real schema
 * cannot be served without copying upstream's document. So kubectl proves that every document decodes, names a kind
 * and version the cluster serves, fits the namespace it is applied to and has a name; unknown or misspelt fields are
 * {@link KubernetesManifestsTest}'s check (typed parse, no unknown field).
 */
class KubectlDryRunTest {
    /** The kinds the mock serves: what the manifests use, and the neighbours a real cluster has beside them. */
    private static final List<Class<? extends HasMetadata>> SERVED = List.of(Namespace.class, Pod.class,
            ServiceAccount.class, Role.class, RoleBinding.class, ClusterRole.class, ClusterRoleBinding.class,
            NetworkPolicy.class, CustomResourceDefinition.class);

    @TempDir
    Path home;
    private Path kubectl;
    private KubernetesMockServer server;
    private MockApiDiscovery api;
    private Path kubeconfig;

    @BeforeEach
    void start() throws Exception {
        kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable)
                .findFirst().orElse(null);
        assumeTrue(kubectl != null,
                "kubectl is not on PATH: the client dry run of runtime/kubernetes/*.yaml is skipped");
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        api = new MockApiDiscovery(new KubernetesMixedDispatcher(responses), SERVED);
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses, api,
                false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        // The README's first step, `kubectl create namespace sandboxes`, in the CRUD store (kubectl looks it up).
        try (KubernetesClient client = server.createClient()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                    .build()).create();
        }
        kubeconfig = Files.writeString(home.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster:
                      server: http://127.0.0.1:%d
                users:
                  - name: anonymous
                    user: {}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: anonymous}
                current-context: mock
                """.formatted(server.getPort()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroy();
        }
    }

    private record Run(int exit, List<String> out, String err) {
    }

    /** {@code kubectl apply --dry-run=client -n sandboxes -o name -f target}, with nothing of this machine's. */
    private Run dryRun(Path target) throws Exception {
        Path out = home.resolve("out");
        Path err = home.resolve("err");
        ProcessBuilder builder = new ProcessBuilder(kubectl.toString(), "--kubeconfig=" + kubeconfig,
                "--cache-dir=" + home.resolve("cache"), "apply", "--dry-run=client", "-n", NAMESPACE, "-o", "name",
                "-f", target.toString()).redirectOutput(out.toFile()).redirectError(err.toFile());
        // Loopback only: no proxy, no kubeconfig or cache from this machine's home.
        builder.environment().keySet().removeIf(name -> name.toLowerCase(Locale.ROOT).endsWith("_proxy")
                || name.startsWith("KUBE"));
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl did not finish within 60 s");
        return new Run(process.exitValue(), Files.readAllLines(out), Files.readString(err));
    }

    /** What {@code -o name} prints for an object: {@code role.rbac.authorization.k8s.io/x}. */
    private static String nameOf(HasMetadata object) {
        String apiVersion = object.getApiVersion();
        String group = apiVersion.contains("/") ? "." + apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return object.getKind().toLowerCase(Locale.ROOT) + group + "/" + object.getMetadata().getName();
    }

    private void assertPasses(Run run, List<HasMetadata> objects) {
        assertEquals(0, run.exit(), run.err());
        assertEquals("", run.err());
        assertEquals(objects.stream().map(KubectlDryRunTest::nameOf).toList(), run.out());
        List<String> requests = api.kubectlRequests();
        // A dry run writes nothing, and kubectl consulted the server's validation support for every object's kind.
        assertEquals(List.of(), requests.stream().filter(r -> !r.startsWith("GET ")).toList(), requests.toString());
        for (HasMetadata object : objects) {
            String document = "GET /openapi/v3" + MockApiDiscovery.rootOf(object.getApiVersion()) + "?";
            assertTrue(requests.stream().anyMatch(r -> r.startsWith(document)), requests.toString());
        }
    }

    @ParameterizedTest
    @FieldSource("dev.kernelgate.runtime.kubernetes.ShippedManifests#FILES")
    void eachShippedManifestPassesAClientDryRun(String file) throws Exception {
        assertPasses(dryRun(ShippedManifests.DIR.resolve(file)), ShippedManifests.load(file));
    }

    @Test
    void theWholeDirectoryPassesAClientDryRun() throws Exception {
        List<HasMetadata> objects = new ArrayList<>();
        for (String file : ShippedManifests.FILES) {
            objects.addAll(ShippedManifests.load(file));
        }
        assertPasses(dryRun(ShippedManifests.DIR), objects);
    }

    static Stream<Arguments> brokenManifests() {
        return Stream.of(
                Arguments.of("apiVersion: v1\nkind: Sandbox\nmetadata:\n  name: s\n",
                        "no matches for kind \"Sandbox\" in version \"v1\""),
                Arguments.of("""
                        apiVersion: rbac.authorization.k8s.io/v1beta1
                        kind: Role
                        metadata:
                          name: r
                        rules: []
                        """, "no matches for kind \"Role\" in version \"rbac.authorization.k8s.io/v1beta1\""),
                Arguments.of("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: elsewhere\n",
                        "the namespace from the provided object \"elsewhere\" does not match the namespace"),
                Arguments.of("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  labels: {a: b}\n",
                        "resource name may not be empty"),
                Arguments.of("apiVersion: v1\nkind: ServiceAccount\nmetadata: [name, a]\n", "unable to decode"));
    }

    @ParameterizedTest
    @MethodSource("brokenManifests")
    void theSameRunFailsOnABrokenManifest(String yaml, String error) throws Exception {
        Run run = dryRun(Files.writeString(home.resolve("broken.yaml"), yaml));
        assertNotEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.err().contains(error), run.err());
    }
}
