package dev.kernelgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** KG_* variables and {@code --Class.trait=value} flags, read the way jupyter kernelgateway reads them. */
class GatewaySettingsTest {

    private static GatewayConfig parse(Map<String, String> env, String... args) {
        return GatewaySettings.parse(env, List.of(args));
    }

    private static IllegalArgumentException rejected(Map<String, String> env, String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(env, args));
    }

    @Test
    void defaultsAreUpstreams() {
        GatewayConfig c = parse(Map.of());
        assertEquals("127.0.0.1", c.ip());
        assertEquals(8888, c.port());
        assertEquals(50, c.portRetries());
        assertEquals("/", c.baseUrlPrefix());
        assertEquals("", c.authToken());
        assertEquals(0, c.maxKernels());
        assertFalse(c.listKernels());
        assertEquals("python3", c.effectiveDefaultKernelName());
        assertEquals("", c.forceKernelName());
        assertEquals(0, c.prespawnCount());
        assertEquals(List.of(), c.envWhitelist());
        assertEquals(List.of(), c.envProcessWhitelist());
        assertNull(c.certfile());
        assertFalse(c.tls());
        assertEquals(Duration.ofSeconds(30), c.wsPingInterval());
        assertEquals(Duration.ZERO, c.cullIdleTimeout());
        assertEquals(Duration.ofSeconds(300), c.cullInterval());
        assertFalse(c.cullConnected());
        assertFalse(c.cullBusy());
        assertEquals("", c.allowOrigin());
        assertEquals("", c.allowCredentials());
        // Ours: Kernelgate's drop-in directory, then the one OpenSandbox's documentation writes to.
        assertEquals(List.of(java.nio.file.Path.of("/etc/kernelgate/kernelspecs"),
                java.nio.file.Path.of("/etc/opensandbox/kernelspecs")), c.dropInDirs());
    }

    @Test
    void connectionLimitsComeFromFlagsOrVariables() {
        GatewayConfig defaults = parse(Map.of());
        assertEquals(Duration.ofSeconds(10), defaults.connectionLimits().headerTimeout());
        assertEquals(256, defaults.connectionLimits().maxPerClient());
        GatewayConfig fromEnv = parse(Map.of("KG_REQUEST_HEADER_TIMEOUT", "2.5", "KG_MAX_CONNECTIONS_PER_CLIENT", "0"));
        assertEquals(Duration.ofMillis(2500), fromEnv.connectionLimits().headerTimeout());
        assertEquals(0, fromEnv.connectionLimits().maxPerClient());
        GatewayConfig fromFlags = parse(Map.of(), "--KernelGatewayApp.request_header_timeout=0",
                "--KernelGatewayApp.max_connections_per_client=-1");
        assertEquals(Duration.ZERO, fromFlags.connectionLimits().headerTimeout());
        assertEquals(-1, fromFlags.connectionLimits().maxPerClient());
        assertTrue(rejected(Map.of(), "--KernelGatewayApp.request_header_timeout=-3").getMessage()
                .contains("request_header_timeout"));
        assertTrue(rejected(Map.of("KG_REQUEST_HEADER_TIMEOUT", "Infinity")).getMessage()
                .contains("request_header_timeout must be at most 86400"));
        assertTrue(rejected(Map.of("KG_MAX_CONNECTIONS_PER_CLIENT", "many")).getMessage()
                .contains("max_connections_per_client"));
    }

    @Test
    void everyKgVariableIsRead() {
        GatewayConfig c = parse(Map.ofEntries(
                Map.entry("KG_IP", "0.0.0.0"), Map.entry("KG_PORT", "9999"), Map.entry("KG_PORT_RETRIES", "3"),
                Map.entry("KG_BASE_URL", "fake/path"), Map.entry("KG_AUTH_TOKEN", "s3cret"),
                Map.entry("KG_ALLOW_CREDENTIALS", "false"), Map.entry("KG_ALLOW_HEADERS", "Authorization,X-A"),
                Map.entry("KG_ALLOW_METHODS", "GET,POST"), Map.entry("KG_ALLOW_ORIGIN", "https://jupyter.org"),
                Map.entry("KG_EXPOSE_HEADERS", "X-B"), Map.entry("KG_MAX_AGE", "600"),
                Map.entry("KG_MAX_KERNELS", "5"), Map.entry("KG_LIST_KERNELS", "True"),
                Map.entry("KG_DEFAULT_KERNEL_NAME", "ir"), Map.entry("KG_FORCE_KERNEL_NAME", "python3"),
                Map.entry("KG_PRESPAWN_COUNT", "2"), Map.entry("KG_ENV_PROCESS_WHITELIST", "HOME,LANG"),
                Map.entry("KG_ENV_WHITELIST", "TEST_VAR"), Map.entry("KG_CERTFILE", "/tmp/cert.pem"),
                Map.entry("KG_KEYFILE", "/tmp/key.pem"), Map.entry("KG_CLIENT_CA", "/tmp/ca.pem"),
                Map.entry("KG_WS_PING_INTERVAL_SECS", "0.5")));
        assertEquals("0.0.0.0", c.ip());
        assertEquals(9999, c.port());
        assertEquals(3, c.portRetries());
        assertEquals("/fake/path/", c.baseUrlPrefix());
        assertEquals("s3cret", c.authToken());
        assertEquals("false", c.allowCredentials());
        assertEquals("Authorization,X-A", c.allowHeaders());
        assertEquals("GET,POST", c.allowMethods());
        assertEquals("https://jupyter.org", c.allowOrigin());
        assertEquals("X-B", c.exposeHeaders());
        assertEquals("600", c.maxAge());
        assertEquals(5, c.maxKernels());
        assertTrue(c.listKernels());
        assertEquals("ir", c.defaultKernelName());
        assertEquals("ir", c.effectiveDefaultKernelName());
        assertEquals("python3", c.forceKernelName());
        assertEquals(2, c.prespawnCount());
        assertEquals(List.of("HOME", "LANG"), c.envProcessWhitelist());
        assertEquals(List.of("TEST_VAR"), c.envWhitelist());
        assertEquals(Path.of("/tmp/cert.pem"), c.certfile());
        assertEquals(Path.of("/tmp/key.pem"), c.keyfile());
        assertEquals(Path.of("/tmp/ca.pem"), c.clientCa());
        assertTrue(c.tls());
        assertEquals(Duration.ofMillis(500), c.wsPingInterval());
    }

    @Test
    void flagsWinOverEnvironment() {
        Map<String, String> env = Map.of("KG_PORT", "9000", "KG_AUTH_TOKEN", "from-env", "KG_MAX_KERNELS", "3",
                "KG_ENV_WHITELIST", "A", "KG_IP", "0.0.0.0");
        GatewayConfig c = parse(env, "--port=9001", "--KernelGatewayApp.auth_token=from-flag",
                "--KernelGatewayApp.max_kernels", "4", "--JupyterWebsocketPersonality.env_whitelist=B,C",
                "--ip", "127.0.0.2");
        assertEquals(9001, c.port());
        assertEquals("from-flag", c.authToken());
        assertEquals(4, c.maxKernels());
        assertEquals(List.of("B", "C"), c.envWhitelist());
        assertEquals("127.0.0.2", c.ip());
        // Without flags the environment applies.
        GatewayConfig fromEnv = parse(env);
        assertEquals(9000, fromEnv.port());
        assertEquals("from-env", fromEnv.authToken());
        assertEquals(3, fromEnv.maxKernels());
    }

    @Test
    void theLastOfRepeatedFlagsWins() {
        assertEquals(7, parse(Map.of(), "--port=6", "--KernelGatewayApp.port=7").port());
    }

    @Test
    void anEmptyFlagValueOverridesTheEnvironment() {
        Map<String, String> env = Map.of("KG_AUTH_TOKEN", "from-env", "KG_MAX_KERNELS", "3",
                "KG_ENV_WHITELIST", "A");
        GatewayConfig c = parse(env, "--KernelGatewayApp.auth_token=", "--KernelGatewayApp.max_kernels=",
                "--JupyterWebsocketPersonality.env_whitelist=");
        assertEquals("", c.authToken(), "an empty auth_token turns auth off, as in traitlets");
        assertEquals(0, c.maxKernels(), "an empty max_kernels means no limit (None)");
        assertEquals(List.of(), c.envWhitelist());
    }

    @Test
    void upstreamClassPrefixesAreAccepted() {
        GatewayConfig c = parse(Map.of(), "--JupyterWebsocketPersonality.list_kernels=True",
                "--MappingKernelManager.cull_idle_timeout=600", "--MappingKernelManager.cull_interval=60",
                "--MappingKernelManager.cull_connected=True", "--MappingKernelManager.cull_busy=true",
                "--KernelGatewayApp.prespawn_count=1", "--KernelGatewayApp.default_kernel_name=ir");
        assertTrue(c.listKernels());
        assertEquals(Duration.ofSeconds(600), c.cullIdleTimeout());
        assertEquals(Duration.ofSeconds(60), c.cullInterval());
        assertTrue(c.cullConnected());
        assertTrue(c.cullBusy());
        assertEquals(1, c.prespawnCount());
        assertEquals("ir", c.defaultKernelName());
    }

    @Test
    void cullIntervalOfZeroOrLessMeansTheDefault() {
        // jupyter_server: "cull_interval <= 0 → 300 s"; a zero period would spin the culler.
        assertEquals(Duration.ofSeconds(300), parse(Map.of(), "--MappingKernelManager.cull_interval=0").cullInterval());
    }

    @ParameterizedTest
    @CsvSource({"True,true", "true,false", "TRUE,false", "1,false", "yes,false", "False,false", "'',false"})
    void kgListKernelsMustBeExactlyTrue(String value, boolean expected) {
        assertEquals(expected, parse(Map.of("KG_LIST_KERNELS", value)).listKernels());
    }

    @ParameterizedTest
    @CsvSource({"True,true", "true,true", "1,true", "False,false", "false,false", "0,false"})
    void theListKernelsFlagTakesAnyBooleanSpelling(String value, boolean expected) {
        assertEquals(expected, parse(Map.of(), "--JupyterWebsocketPersonality.list_kernels=" + value).listKernels());
        assertEquals(expected, parse(Map.of(), "--KernelGatewayApp.list_kernels=" + value).listKernels());
    }

    @Test
    void theListKernelsFlagIsReadAsAFlagEvenWhenTheEnvironmentHasTheSameText() {
        // env "true" alone is not enough, but a flag saying "true" is, whatever the environment holds.
        assertTrue(parse(Map.of("KG_LIST_KERNELS", "true"), "--JupyterWebsocketPersonality.list_kernels=true")
                .listKernels());
        assertFalse(parse(Map.of("KG_LIST_KERNELS", "True"), "--JupyterWebsocketPersonality.list_kernels=False")
                .listKernels());
    }

    @ParameterizedTest
    @ValueSource(strings = {"A,B", " A , B ", "A,B,", "['A','B']", "[\"A\", \"B\"]", "[ 'A' , \"B\" ]"})
    void listSyntaxes(String value) {
        assertEquals(List.of("A", "B"), parse(Map.of("KG_ENV_WHITELIST", value)).envWhitelist());
        assertEquals(List.of("A", "B"), parse(Map.of(), "--KernelGatewayApp.env_process_whitelist=" + value)
                .envProcessWhitelist());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "[]", ","})
    void emptyLists(String value) {
        assertEquals(List.of(), parse(Map.of("KG_ENV_WHITELIST", value)).envWhitelist());
    }

    @Test
    void quotedStringsAreUnquotedAsTraitletsDoes() {
        assertEquals("abc", parse(Map.of(), "--KernelGatewayApp.auth_token='abc'").authToken());
        assertEquals("abc", parse(Map.of(), "--KernelGatewayApp.auth_token=\"abc\"").authToken());
        assertEquals(5, parse(Map.of(), "--KernelGatewayApp.max_kernels='5'").maxKernels());
    }

    @Test
    void noneMeansUnset() {
        GatewayConfig c = parse(Map.of("KG_MAX_KERNELS", "None", "KG_PRESPAWN_COUNT", "None", "KG_CERTFILE", "None"));
        assertEquals(0, c.maxKernels());
        assertEquals(0, c.prespawnCount());
        assertNull(c.certfile());
    }

    @Test
    void baseUrlSpellings() {
        assertEquals("/fake/path/", parse(Map.of(), "--KernelGatewayApp.base_url=/fake/path").baseUrlPrefix());
        assertEquals("/fake/path/", parse(Map.of(), "--KernelGatewayApp.base_url=/fake/path/").baseUrlPrefix());
        assertEquals("/fake/path/", parse(Map.of("KG_BASE_URL", "fake/path")).baseUrlPrefix());
        assertEquals("/", parse(Map.of("KG_BASE_URL", "")).baseUrlPrefix());
    }

    @Test
    void theTwoPersonalities() {
        assertEquals(GatewayConfig.Personality.JUPYTER_WEBSOCKET,
                parse(Map.of("KG_API", "kernel_gateway.jupyter_websocket")).api());
        assertEquals(GatewayConfig.Personality.JUPYTER_WEBSOCKET,
                parse(Map.of(), "--KernelGatewayApp.api=jupyter-websocket").api());
        assertTrue(rejected(Map.of("KG_API", "kernel_gateway.notebook_http")).getMessage().contains("seed_uri"));
        assertTrue(rejected(Map.of(), "--KernelGatewayApp.api=notebook-gopher").getMessage().contains("api"));
        GatewayConfig http = parse(Map.of("KG_API", "notebook-http", "KG_SEED_URI", "/srv/api.ipynb"));
        assertEquals(GatewayConfig.Personality.NOTEBOOK_HTTP, http.api());
        assertEquals("/srv/api.ipynb", http.seedUri());
        assertFalse(http.notebookHttp().allowNotebookDownload());
        assertNull(http.notebookHttp().staticPath());
        GatewayConfig flags = parse(Map.of(), "--KernelGatewayApp.api=kernel_gateway.notebook_http",
                "--KernelGatewayApp.seed_uri=api.ipynb", "--NotebookHTTPPersonality.allow_notebook_download=true",
                "--NotebookHttpPersonality.static_path=/srv/public");
        assertTrue(flags.notebookHttp().allowNotebookDownload());
        assertEquals(java.nio.file.Path.of("/srv/public"), flags.notebookHttp().staticPath());
        // As upstream: the variable must be exactly "True".
        assertFalse(parse(Map.of("KG_API", "notebook-http", "KG_SEED_URI", "a.ipynb",
                "KG_ALLOW_NOTEBOOK_DOWNLOAD", "true")).notebookHttp().allowNotebookDownload());
        assertTrue(parse(Map.of("KG_API", "notebook-http", "KG_SEED_URI", "a.ipynb",
                "KG_ALLOW_NOTEBOOK_DOWNLOAD", "True")).notebookHttp().allowNotebookDownload());
        assertTrue(rejected(Map.of("KG_SEED_URI", "a.ipynb")).getMessage().contains("notebook-http"));
        assertTrue(rejected(Map.of("KG_API", "notebook-http", "KG_SEED_URI", "a.ipynb",
                "KG_CELL_PARSER", "kernel_gateway.notebook_http.swagger.parser")).getMessage().contains("cell_parser"));
    }

    @Test
    void compatibilityOnlyTraitsAreAccepted() {
        GatewayConfig c = parse(Map.of("KG_TRUST_XHEADERS", "True"), "--KernelGatewayApp.ssl_version=5");
        assertEquals(8888, c.port());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "KG_PORT|abc|port",
        "KG_PORT|70000|port",
        "KG_PORT|-1|port",
        "KG_PORT_RETRIES|many|port_retries",
        "KG_MAX_KERNELS|-1|max_kernels",
        "KG_MAX_KERNELS|1.5|max_kernels",
        "KG_PRESPAWN_COUNT|two|prespawn_count",
        "KG_WS_PING_INTERVAL_SECS|soon|ws_ping_interval",
        "KG_WS_PING_INTERVAL_SECS|-5|ws_ping_interval",
        "KG_CULL_IDLE_TIMEOUT|NaN|cull_idle_timeout",
    })
    void badEnvironmentValuesNameTheSetting(String variable, String value, String trait) {
        IllegalArgumentException e = rejected(Map.of(variable, value));
        assertTrue(e.getMessage().contains(trait), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port=http|port",
        "--KernelGatewayApp.port=65536|port",
        "--KernelGatewayApp.max_kernels=lots|max_kernels",
        "--MappingKernelManager.cull_busy=maybe|cull_busy",
        "--MappingKernelManager.cull_connected=2|cull_connected",
        "--JupyterWebsocketPersonality.list_kernels=yes please|list_kernels",
        "--MappingKernelManager.cull_idle_timeout=1h|cull_idle_timeout",
    })
    void badFlagValuesNameTheSetting(String flag, String trait) {
        IllegalArgumentException e = rejected(Map.of(), flag);
        assertTrue(e.getMessage().contains(trait), e.getMessage());
    }

    @Test
    void unknownTraitsAndClassesAreRejected() {
        assertTrue(rejected(Map.of(), "--KernelGatewayApp.no_such_trait=1").getMessage().contains("no_such_trait"));
        assertTrue(rejected(Map.of(), "--NotebookApp.port=1").getMessage().contains("NotebookApp.port"));
        assertTrue(rejected(Map.of(), "--lsit_kernels=True").getMessage().contains("lsit_kernels"));
        assertTrue(rejected(Map.of(), "stray").getMessage().contains("stray"));
        assertTrue(rejected(Map.of(), "--port").getMessage().contains("port"));
    }

    @Test
    void prespawnMayNotExceedMaxKernels() {
        IllegalArgumentException e = rejected(Map.of("KG_MAX_KERNELS", "2"), "--KernelGatewayApp.prespawn_count=3");
        assertTrue(e.getMessage().contains("prespawn_count") && e.getMessage().contains("max_kernels"),
                e.getMessage());
        assertEquals(2, parse(Map.of("KG_MAX_KERNELS", "2", "KG_PRESPAWN_COUNT", "2")).prespawnCount());
    }

    @Test
    void unrelatedEnvironmentIsIgnored() {
        GatewayConfig c = parse(Map.of("PORT", "1", "KG_UNKNOWN", "x", "KERNEL_FOO", "y"));
        assertEquals(8888, c.port());
    }
}
