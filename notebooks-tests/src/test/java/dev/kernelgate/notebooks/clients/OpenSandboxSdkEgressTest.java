package dev.kernelgate.notebooks.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.egress.TinyDnsServer;
import dev.kernelgate.runtime.LifecycleServer;
import dev.kernelgate.runtime.RuntimeProviders;
import dev.kernelgate.runtime.config.EgressSettings;
import dev.kernelgate.runtime.config.RuntimeSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenSandbox JavaScript SDK's egress calls against a docker sandbox with a {@code networkPolicy}:
 * {@code getEndpoint(18080)} carries the token header, {@code getEgressPolicy()} returns the policy,
 * {@code patchEgressRules()} changes what the sandbox resolves. The nameserver is the test's own, on the test
 * engine's bridge address (scripts/docker-engine); nothing else is reached.
 */
class OpenSandboxSdkEgressTest {
    static final Path SCRIPT = Path.of("src", "test", "resources", "clients", "opensandbox-egress-client.js");
    private static final String KEY = "sdk-egress-key";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private static String bridgeAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && address.getHostAddress().startsWith("198.18.0.")) {
                    return address.getHostAddress();
                }
            }
        }
        return null;
    }

    @Test
    @Timeout(180)
    void theSdkReadsAndPatchesTheEgressPolicyOfADockerSandbox() throws Exception {
        String dockerHost = System.getenv("DOCKER_HOST");
        assumeTrue(dockerHost != null && !dockerHost.isBlank(), "DOCKER_HOST is not set (scripts/test sets it)");
        String gateway = bridgeAddress();
        assumeTrue(gateway != null, "no 198.18.0.x bridge address on this host (scripts/docker-engine makes one)");
        Path nodeModules = JupyterLabServicesClientTest.NODE_MODULES;
        assertTrue(Files.exists(nodeModules.resolve("@alibaba-group/opensandbox/package.json")),
                "@alibaba-group/opensandbox is not installed: run scripts/install-test-deps");
        String image = System.getenv().getOrDefault("KERNELGATE_TEST_IMAGE", "kernelgate-test/bookworm:minbase");

        try (TinyDnsServer dns = new TinyDnsServer(new InetSocketAddress(gateway, 0),
                Map.of("pypi.egress.test", gateway, "files.egress.test", gateway))) {
            ServerConfig defaults = ServerConfig.defaults();
            ServerConfig config = defaults.withServer(defaults.server().withListen("127.0.0.1", 0).withApiKey(KEY))
                    .withLocal(defaults.local().withStateDir(Files.createDirectories(dir.resolve("state"))))
                    .withRuntime(new RuntimeSettings("docker", null, null))
                    .withEgress(new EgressSettings(null, "dns", true, gateway + ":" + dns.address().getPort()));
            config = config.withDocker(config.docker().withNetworkMode("bridge"));
            try (LifecycleServer.Running server = new LifecycleServer(config, System.getenv(),
                    RuntimeProviders.builtIn(), Clock.systemUTC(), Duration.ofSeconds(1)).start()) {
                ExternalClient client = ExternalClient.run(List.of("node", SCRIPT.toAbsolutePath().toString()),
                        Map.of("SERVER_DOMAIN", server.baseUrl().replaceFirst("^https?://", ""),
                                "SERVER_API_KEY", KEY, "SANDBOX_IMAGE", image,
                                "ALLOWED_NAME", "pypi.egress.test", "BLOCKED_NAME", "files.egress.test",
                                "NODE_PATH", nodeModules.toAbsolutePath().toString()),
                        dir, Duration.ofSeconds(150)).assertSucceeded();

                JsonNode endpoint = client.step("endpoint");
                assertTrue(endpoint.path("endpoint").asText().matches("127\\.0\\.0\\.1:\\d+/proxy/18080"),
                        endpoint.toString());
                assertTrue(endpoint.path("token").asBoolean(), endpoint.toString());
                JsonNode policy = client.step("policy").path("policy");
                assertEquals("deny", policy.path("defaultAction").asText());
                assertEquals("[{\"action\":\"allow\",\"target\":\"pypi.egress.test\"}]",
                        policy.path("egress").toString());
                assertEquals("[\"pypi.egress.test resolves\",\"files.egress.test NXDOMAIN\"]",
                        client.step("before").path("stdout").toString());
                assertEquals(2, client.step("patched").path("policy").path("egress").size());
                assertEquals("[\"pypi.egress.test resolves\",\"files.egress.test resolves\"]",
                        client.step("after").path("stdout").toString());
            }
        }
    }
}
