package dev.kernelgate.runtime.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.ConfigTemplates;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.ServerConfigLoader;
import dev.kernelgate.runtime.spi.RuntimeContext;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Configuration mistakes stop the server at start with the key named; opening asks the API server nothing. */
class KubernetesRuntimeProviderTest {
    @TempDir
    Path dir;

    private SandboxRuntime open(String toml) {
        ServerConfig config = ServerConfigLoader.parse(dir.resolve("sandbox.toml"), toml);
        return new KubernetesRuntimeProvider().open(new RuntimeContext(config, dir, Map.of(), Clock.systemUTC()));
    }

    /** A kubeconfig for a cluster nobody asks: opening the runtime reads it and sends nothing. */
    private Path kubeconfig() throws Exception {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """);
    }

    @Test
    void theKubernetesTemplateOpensWithoutACluster() throws Exception {
        Path kubeconfig = kubeconfig();
        String toml = ConfigTemplates.text("kubernetes").replace("# kubeconfig_path = \"~/.kube/config\"",
                "kubeconfig_path = \"" + kubeconfig + "\"");
        try (SandboxRuntime runtime = open(toml)) {
            assertEquals("kubernetes", runtime.type());
        }
    }

    @Test
    void theBatchSandboxProviderOpens() throws Exception {
        String toml = """
                [runtime]
                type = "kubernetes"
                execd_image = "registry.example/execd:1"
                [kubernetes]
                kubeconfig_path = "%s"
                workload_provider = "batchsandbox"
                """.formatted(kubeconfig());
        assertEquals("batchsandbox", ServerConfigLoader.parse(dir.resolve("sandbox.toml"), toml).kubernetes()
                .workloadProvider());
        try (SandboxRuntime runtime = open(toml)) {
            assertEquals("kubernetes", runtime.type());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "                                                  | execd_image",
        "workload_provider = 'agent-sandbox'               | workload_provider",
        "image_pull_policy = 'Sometimes'                   | image_pull_policy",
        "resource_quota = { cpu = 'lots' }                 | resource_quota",
        "kubeconfig_path = '/nonexistent/kubeconfig'       | kubeconfig_path",
    })
    void badSettingsAreRefusedWithTheKeyNamed(String kubernetesLine, String key) {
        // TOML literal strings ('...') keep the CSV source readable.
        String image = key.equals("execd_image") ? "" : "execd_image = 'registry.example/execd:1'\n";
        String toml = "[runtime]\ntype = 'kubernetes'\n" + image + "[kubernetes]\n"
                + (kubernetesLine == null ? "" : kubernetesLine) + "\n";
        ServerConfig config = ServerConfigLoader.parse(dir.resolve("sandbox.toml"), toml);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KubernetesRuntimeProvider()
                .open(new RuntimeContext(config, dir, Map.of(), Clock.systemUTC())).close());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void aKubeconfigPathUnderHomeIsExpanded() {
        String home = System.getProperty("user.home");
        assertEquals(Path.of(home, ".kube", "config"), KubernetesRuntimeProvider.home(Path.of("~/.kube/config")));
        assertEquals(Path.of("/etc/kubeconfig"), KubernetesRuntimeProvider.home(Path.of("/etc/kubeconfig")));
    }
}
