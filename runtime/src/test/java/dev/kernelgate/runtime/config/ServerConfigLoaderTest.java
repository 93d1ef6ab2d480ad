package dev.kernelgate.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigLoaderTest {
    private static final Path FILE = Path.of("/etc/sandbox.toml");

    @Test
    void readsUpstreamAndGuideKeys() {
        ServerConfig c = ServerConfigLoader.parse(FILE, """
                [server]
                host = "127.0.0.1"
                port = 9090
                api_key = "secret"
                max_sandbox_timeout_seconds = 7200

                [log]
                level = "debug"

                [runtime]
                type = "docker"
                execd_image = "opensandbox/execd:v1.0.19"

                [docker]
                network_mode = "bridge"
                drop_capabilities = [
                  "NET_RAW", # inline comment
                  "SYS_ADMIN",
                ]
                pids_limit = 512
                allowed_host_paths = ["/data"]

                [kubernetes]
                namespace = "sandboxes"
                resource_quota = { cpu = "4", memory = "8Gi" }
                node_selector = { "kubernetes.io/os" = "linux" }
                pod_priority_class = "low"
                execd_init_resources = { limits = { cpu = "100m" }, requests = { cpu = "50m" } }

                [storage]
                allowed_host_paths = ["/srv/shared"]

                [ingress]
                mode = "gateway"
                [ingress.gateway]
                address = "gw.example.com"
                [ingress.gateway.route]
                mode = "header"
                """);
        assertEquals("127.0.0.1", c.server().host());
        assertEquals(9090, c.server().port());
        assertEquals("secret", c.server().apiKey());
        assertEquals(7200L, c.server().maxSandboxTimeoutSeconds());
        assertEquals("DEBUG", c.log().level());
        assertEquals("docker", c.runtime().type());
        assertEquals(List.of("NET_RAW", "SYS_ADMIN"), c.docker().dropCapabilities());
        assertEquals(512, c.docker().pidsLimit());
        assertEquals(Map.of("cpu", "4", "memory", "8Gi"), c.kubernetes().resourceQuota());
        assertEquals(Map.of("kubernetes.io/os", "linux"), c.kubernetes().nodeSelector());
        assertEquals("100m", c.kubernetes().execdInitResources().get("limits").get("cpu"));
        assertEquals(List.of(Path.of("/srv/shared"), Path.of("/data")), c.storage().allowedHostPaths());
        assertEquals("header", c.ingress().gatewayRouteMode());
        assertEquals(FILE, c.source());
    }

    @Test
    void runtimeNamespaceFromGuidesFillsKubernetesNamespace() {
        ServerConfig c = ServerConfigLoader.parse(FILE, "[runtime]\ntype = \"kubernetes\"\nnamespace = \"team\"\n");
        assertEquals("team", c.kubernetes().namespace());
    }

    @Test
    void egressModeAndUpstreamAreReadAndABadModeIsRefused() {
        ServerConfig c = ServerConfigLoader.parse(FILE,
                "[egress]\nmode = \"dns+nft\"\ndns_upstream = \"192.0.2.53:5353\"\ndisable_ipv6 = false\n");
        assertEquals("dns+nft", c.egress().mode());
        assertEquals("192.0.2.53:5353", c.egress().dnsUpstream());
        assertEquals(false, c.egress().disableIpv6());
        assertEquals("dns", ServerConfigLoader.parse(FILE, "[egress]\n").egress().mode());
        assertEquals(null, c.egress().vaultTrustedCa());
        assertEquals(java.nio.file.Path.of("/etc/ca.pem"), ServerConfigLoader.parse(FILE,
                "[egress]\nvault_trusted_ca = \"/etc/ca.pem\"\n").egress().vaultTrustedCa());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[egress]\nmode = \"firewall\"\n"));
        assertEquals("egress.mode", e.key());
        assertTrue(e.getMessage().contains("dns or dns+nft"), e.getMessage());
    }

    @Test
    void anUnknownKeyNamesFileLineAndKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfigLoader.parse(FILE, """
                # comment
                [server]
                port = 8080

                api_kye = "typo"
                """));
        assertEquals(5, e.line());
        assertEquals("server.api_kye", e.key());
        assertTrue(e.getMessage().startsWith("/etc/sandbox.toml:5: server.api_kye: unknown key"), e.getMessage());
    }

    @Test
    void anIntegerBeyond64BitsIsRefusedNotWrapped() {
        // 2^64 + 80 used to wrap to port 80
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[server]\nport = 18446744073709551696\n"));
        assertEquals("server.port", e.key());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("18446744073709551696"), e.getMessage());
    }

    @Test
    void anUnknownTableIsRefusedToo() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[server]\nport = 1\n\n[dockr]\nhost_ip = \"x\"\n"));
        assertEquals(4, e.line());
        assertEquals("dockr", e.key());
    }

    @Test
    void aWrongTypeNamesTheLineEvenAfterMultiLineArrays() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfigLoader.parse(FILE, """
                [docker]
                drop_capabilities = [
                  "A",
                  "B = C",
                ]
                pids_limit = "many"
                """));
        assertEquals(6, e.line());
        assertEquals("docker.pids_limit", e.key());
        assertTrue(e.getMessage().contains("must be an integer, not the string \"many\""), e.getMessage());
    }

    @Test
    void impossibleValuesAreRefused() {
        ConfigException port = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[server]\nport = 70000\n"));
        assertEquals(2, port.line());
        ConfigException type = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "\n[runtime]\ntype = \"podman\"\n"));
        assertEquals(3, type.line());
        assertEquals("runtime.type", type.key());
        ConfigException relative = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[storage]\nallowed_host_paths = [\"data\"]\n"));
        assertEquals("storage.allowed_host_paths", relative.key());
    }

    @Test
    void sandboxImagesAndTheExecdLogDirAreOurKeys() {
        ServerConfig c = ServerConfigLoader.parse(FILE, """
                [runtime]
                type = "docker"
                sandbox_images = ["python:3.12-slim", " debian:12 "]
                [docker]
                execd_log_dir = "/var/log/kernelgate/sandboxes"
                """);
        assertEquals(List.of("python:3.12-slim", "debian:12"), c.runtime().sandboxImages());
        assertEquals(Path.of("/var/log/kernelgate/sandboxes"), c.docker().execdLogDir());
        assertEquals(List.of(), ServerConfigLoader.parse(FILE, "").runtime().sandboxImages());
        assertNull(ServerConfigLoader.parse(FILE, "").docker().execdLogDir());

        ConfigException relative = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[docker]\nexecd_log_dir = \"logs\"\n"));
        assertEquals("docker.execd_log_dir", relative.key());
        assertEquals(2, relative.line());
    }

    @Test
    void connectionLimitsAreServerKeys() {
        ServerConfig defaults = ServerConfigLoader.parse(FILE, "[server]\nport = 8080\n");
        assertEquals(java.time.Duration.ofSeconds(10), defaults.server().connectionLimits().headerTimeout());
        assertEquals(256, defaults.server().connectionLimits().maxPerClient());
        ServerConfig set = ServerConfigLoader.parse(FILE,
                "[server]\nrequest_header_timeout_seconds = 2.5\nmax_connections_per_client = 0\n");
        assertEquals(java.time.Duration.ofMillis(2500), set.server().connectionLimits().headerTimeout());
        assertEquals(0, set.server().connectionLimits().maxPerClient());
        ConfigException negative = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[server]\nrequest_header_timeout_seconds = -1\n"));
        assertEquals("server.request_header_timeout_seconds", negative.key());
        assertEquals(2, negative.line());
        ConfigException huge = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[server]\nrequest_header_timeout_seconds = 1e300\n"));
        assertEquals("server.request_header_timeout_seconds", huge.key());
        ConfigException text = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[server]\nmax_connections_per_client = \"many\"\n"));
        assertEquals("server.max_connections_per_client", text.key());
    }

    @Test
    void invalidTomlNamesItsLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.parse(FILE, "[server]\nport = 8080\nhost = \n"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("invalid TOML"), e.getMessage());
    }

    @Test
    void locateFollowsFlagThenEnvironmentThenHome(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        assertNull(ServerConfigLoader.locate(null, Map.of(), home));
        Path dotFile = Files.writeString(home.resolve(".sandbox.toml"), "");
        assertEquals(dotFile, ServerConfigLoader.locate(null, Map.of(), home));
        Path fromEnv = Files.writeString(dir.resolve("env.toml"), "");
        assertEquals(fromEnv, ServerConfigLoader.locate(null, Map.of("SANDBOX_CONFIG_PATH", fromEnv.toString()),
                home));
        Path flag = Files.writeString(dir.resolve("flag.toml"), "");
        assertEquals(flag, ServerConfigLoader.locate(flag, Map.of("SANDBOX_CONFIG_PATH", fromEnv.toString()), home));
        assertThrows(ConfigException.class, () -> ServerConfigLoader.locate(dir.resolve("missing.toml"), Map.of(),
                home));
    }

    @Test
    void theEnvironmentKeyOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.toml"), "[server]\napi_key = \"from-file\"\n");
        assertEquals("from-env", ServerConfigLoader.load(file, Map.of("OPENSANDBOX_SERVER_API_KEY", "from-env"))
                .server().apiKey());
        assertEquals("from-file", ServerConfigLoader.load(file, Map.of()).server().apiKey());
        assertNull(ServerConfigLoader.load(null, Map.of()).server().apiKey());
    }
}
