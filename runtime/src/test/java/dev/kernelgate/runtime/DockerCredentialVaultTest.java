package dev.kernelgate.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kernelgate.execd.egress.TinyDnsServer;
import dev.kernelgate.runtime.config.EgressSettings;
import dev.kernelgate.runtime.config.RuntimeSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.docker.DockerEngine;
import dev.kernelgate.runtime.docker.SandboxContainers;
import dev.kernelgate.runtime.tls.SelfSignedCertificate;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code credentialProxy} on the real engine: the sandbox's HTTP to port 80 and HTTPS to 443 go through its egress
 * sidecar's vault proxy to the test's echo servers on the engine's bridge address (198.18.0.1:80 and :443), which
 * report the auth headers they got. Nothing else is reached.
 */
class DockerCredentialVaultTest {
    private static final String IMAGE = System.getenv().getOrDefault("KERNELGATE_TEST_IMAGE",
            "kernelgate-test/bookworm:minbase");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "echo.vault.test";
    private static final String TLS_HOST = "secure.vault.test";
    /** A bound host whose DNS address (TEST-NET-1) is not where the sandbox sends its request. */
    private static final String MOVED_HOST = "moved.vault.test";
    private static final String HEADER = "OPENSANDBOX-EGRESS-AUTH";
    private static final Map<String, String> SECRETS = Map.of("bearer-token", "vault-bearer-7f3a",
            "basic-token", "dXNlcjpwYXNz", "key-token", "vault-key-91c2", "client-id", "vault-client-id-55",
            "client-secret", "vault-client-secret-08", "runtime-token", "vault-runtime-e4d1");

    @TempDir
    Path state;
    private SandboxContainers containers;
    private LifecycleServer.Running server;
    private TinyDnsServer dns;
    private HttpServer echo;
    private HttpsServer https;
    private String gateway;
    private final List<String> sandboxIds = new ArrayList<>();

    @BeforeEach
    void engineAndServers() throws Exception {
        String dockerHost = System.getenv("DOCKER_HOST");
        assumeTrue(dockerHost != null && !dockerHost.isBlank(), "DOCKER_HOST is not set (scripts/test sets it)");
        containers = new SandboxContainers(new DockerEngine(dockerHost, Duration.ofSeconds(30)), null);
        gateway = bridgeAddress();
        dns = new TinyDnsServer(new InetSocketAddress(gateway, 0), Map.of(HOST, gateway, MOVED_HOST, "192.0.2.10"));
        // Port 80: the port the vault intercepts.
        echo = HttpServer.create(new InetSocketAddress(gateway, 80), 8);
        echo.createContext("/", echo());
        echo.start();
    }

    /** Reports the auth headers a request got (and echoes Authorization back in a header, as careless servers do). */
    private static HttpHandler echo() {
        return exchange -> {
            StringBuilder seen = new StringBuilder("path=" + exchange.getRequestURI().getPath());
            for (String name : List.of("Authorization", "X-Api-Key", "X-Client-Id", "X-Client-Secret",
                    "X-Runtime-Token")) {
                seen.append('|').append(name).append('=').append(exchange.getRequestHeaders().getFirst(name));
            }
            // What a careless server does: it echoes a credential back in a header (the proxy redacts it).
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            exchange.getResponseHeaders().add("X-Echo-Authorization", auth == null ? "none" : auth);
            byte[] body = (seen + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        };
    }

    @AfterEach
    void stop() {
        if (containers != null) {
            for (String label : new String[] {"opensandbox.io/egress-sidecar-for", "kernelgate.test/vault"}) {
                containers.findByLabel(label, null).stream()
                        .filter(c -> sandboxIds.contains(c.labels().getOrDefault("opensandbox.io/egress-sidecar-for",
                                c.labels().getOrDefault("opensandbox.io/id", ""))))
                        .forEach(c -> containers.remove(c.id()));
            }
        }
        if (server != null) {
            server.close();
        }
        if (echo != null) {
            echo.stop(0);
        }
        if (https != null) {
            https.stop(0);
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void httpsToABoundHostIsInterceptedWithTheSandboxsCaAndOtherTlsPassesUntouched() throws Exception {
        String curlImage = System.getenv().getOrDefault("KERNELGATE_TEST_CURL_IMAGE", "kernelgate-test/bookworm:curl");
        // The destination: HTTPS on 198.18.0.1:443 with a certificate for both names, which the proxy is told to trust.
        SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of(TLS_HOST, "plain.vault.test"));
        Path trusted = state.resolve("destination-ca.pem");
        Files.writeString(trusted, cert.certificatePem());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("k", cert.keys().getPrivate(), new char[0], new Certificate[] {cert.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress(gateway, 443), 8);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/", echo());
        https.start();

        ApiClient api = startServer(trusted);
        String id = createSandbox(api, curlImage, TLS_HOST, "plain.vault.test");
        ApiClient execd = execd(api, id);
        JsonNode endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/18080").body();
        String token = endpoint.path("headers").path(HEADER).asText();
        ApiClient egress = new ApiClient("http://" + endpoint.path("endpoint").asText(), null);
        ApiClient.Reply vault = egress.send("POST", "/credential-vault", "{\"credentials\":[" + credential("bearer-token")
                + "],\"bindings\":[{\"name\":\"tls\",\"match\":{\"hosts\":[\"" + TLS_HOST + "\"],\"paths\":[\"/v1/*\"]},"
                + "\"auth\":{\"type\":\"bearer\",\"credential\":\"bearer-token\"}}]}", HEADER, token);
        assertEquals(201, vault.status(), vault.raw().body());

        // The sandbox trusts the vault's CA (a public certificate, read-only in the sandbox): the bound host's TLS is
        // terminated by the sidecar, the request gets the header, and the sidecar verified the destination.
        String ca = run(execd, "head -1 $NODE_EXTRA_CA_CERTS; echo x > /run/kernelgate-vault/ca.crt");
        assertTrue(ca.contains("BEGIN CERTIFICATE") && ca.contains("Read-only file system"), ca);
        String curl = "curl -sS --max-time 20 --cacert /run/kernelgate-vault/ca.crt --resolve ";
        String injected = run(execd, curl + TLS_HOST + ":443:" + gateway + " https://" + TLS_HOST + "/v1/items");
        assertTrue(injected.contains("path=/v1/items|Authorization=Bearer vault-bearer-7f3a|"), injected);
        String unbound = run(execd, curl + TLS_HOST + ":443:" + gateway + " https://" + TLS_HOST + "/other");
        assertTrue(unbound.contains("path=/other|Authorization=null"), unbound);
        // A host no binding names: its TLS is the destination's own, end to end (the vault's CA does not vouch for it)
        String passed = run(execd, curl + "plain.vault.test:443:" + gateway + " https://plain.vault.test/v1/items");
        assertTrue(passed.contains("SSL certificate problem") || passed.contains("self-signed"), passed);
        String insecure = run(execd, "curl -sS -k --max-time 20 --resolve plain.vault.test:443:" + gateway
                + " https://plain.vault.test/v1/items");
        assertTrue(insecure.contains("path=/v1/items|Authorization=null"), insecure);
        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
    }

    private static String bridgeAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && address.getHostAddress().startsWith("198.18.0.")) {
                    return address.getHostAddress();
                }
            }
        }
        assumeTrue(false, "no 198.18.0.x bridge address on this host (scripts/docker-engine makes one)");
        return null;
    }

    private static String run(ApiClient execd, String command) throws Exception {
        ApiClient.Reply reply = execd.post("/command", JSON.writeValueAsString(Map.of("command", command)));
        StringBuilder out = new StringBuilder();
        String exit = "0";
        for (String block : reply.raw().body().split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            JsonNode event = JSON.readTree(block.strip());
            switch (event.path("type").asText()) {
                case "stdout", "stderr" -> out.append(event.path("text").asText()).append('\n');
                case "error" -> exit = event.path("error").path("evalue").asText();
                default -> { }
            }
        }
        return out + "exit=" + exit;
    }

    /** A plain HTTP/1.1 GET from the sandbox (bash's /dev/tcp): the whole response. */
    private String get(ApiClient execd, String path, String extraHeader) throws Exception {
        return run(execd, "exec 3<>/dev/tcp/" + gateway + "/80 && printf 'GET " + path + " HTTP/1.1\\r\\nHost: "
                + HOST + "\\r\\n" + extraHeader + "Connection: close\\r\\n\\r\\n' >&3 && cat <&3");
    }

    private static String credential(String name) {
        return "{\"name\":\"" + name + "\",\"source\":{\"type\":\"inline\",\"value\":\"" + SECRETS.get(name) + "\"}}";
    }

    private static String binding(String name, String path, String auth) {
        return "{\"name\":\"" + name + "\",\"match\":{\"schemes\":[\"http\"],\"ports\":[80],\"hosts\":[\"" + HOST
                + "\"],\"methods\":[\"GET\"],\"paths\":[\"" + path + "\"]},\"auth\":" + auth + "}";
    }

    private static void noSecretIn(String text) {
        SECRETS.values().forEach(secret -> assertFalse(text.contains(secret), text));
    }

    private ApiClient startServer(Path trustedCa) {
        ServerConfig config = TestServers.config(state).withRuntime(new RuntimeSettings("docker", null, null));
        config = config.withDocker(config.docker().withNetworkMode("bridge"))
                .withEgress(new EgressSettings(null, "dns", true, gateway + ":" + dns.address().getPort(), trustedCa));
        server = new LifecycleServer(config, System.getenv(), RuntimeProviders.builtIn(), Clock.systemUTC(),
                Duration.ofMillis(100)).start();
        return new ApiClient(server.baseUrl(), TestServers.API_KEY);
    }

    /** A sandbox with the vault whose policy allows {@code hosts}: its id. */
    private String createSandbox(ApiClient api, String image, String... hosts) {
        StringBuilder rules = new StringBuilder();
        for (String host : hosts) {
            rules.append(rules.length() == 0 ? "" : ",").append("{\"action\":\"allow\",\"target\":\"").append(host)
                    .append("\"}");
        }
        ApiClient.Reply created = api.post("/v1/sandboxes", "{\"image\":{\"uri\":\"" + image + "\"},"
                + "\"entrypoint\":[\"sleep\",\"infinity\"],\"metadata\":{\"kernelgate.test/vault\":\"1\"},"
                + "\"networkPolicy\":{\"defaultAction\":\"deny\",\"egress\":[" + rules + "]},"
                + "\"credentialProxy\":{\"enabled\":true}}");
        assumeTrue(created.status() != 404, image + " is missing: scripts/docker-test-image " + image + " curl");
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        sandboxIds.add(id);
        return id;
    }

    private static ApiClient execd(ApiClient api, String id) {
        return new ApiClient("http://" + api.get("/v1/sandboxes/" + id + "/endpoints/44772").body()
                .path("endpoint").asText(), null);
    }

    @Test
    void theSidecarInjectsEveryAuthTypeAppliesPatchesAtOnceAndKeepsTheSecretsFromTheSandbox() throws Exception {
        ApiClient api = startServer(null);
        String id = createSandbox(api, IMAGE, HOST, MOVED_HOST);
        ApiClient execd = execd(api, id);
        JsonNode endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/18080").body();
        String token = endpoint.path("headers").path(HEADER).asText(null);
        assertNotNull(token, endpoint.toString());
        ApiClient egress = new ApiClient("http://" + endpoint.path("endpoint").asText(), null);

        // Before any vault: the request goes out untouched.
        assertTrue(get(execd, "/bearer", "").contains("Authorization=null"));

        ApiClient.Reply vault = egress.send("POST", "/credential-vault", "{\"credentials\":["
                + String.join(",", credential("bearer-token"), credential("basic-token"), credential("key-token"),
                        credential("client-id"), credential("client-secret")) + "],\"bindings\":["
                + String.join(",", binding("bearer", "/bearer", "{\"type\":\"bearer\",\"credential\":\"bearer-token\"}"),
                        binding("basic", "/basic", "{\"type\":\"basic\",\"credential\":\"basic-token\"}"),
                        binding("key", "/api/*", "{\"type\":\"apiKey\",\"name\":\"x-api-key\",\"credential\":"
                                + "\"key-token\"}"),
                        binding("custom", "/custom", "{\"type\":\"customHeaders\",\"headers\":[{\"name\":"
                                + "\"X-Client-Id\",\"credential\":\"client-id\"},{\"name\":\"X-Client-Secret\","
                                + "\"credential\":\"client-secret\"}]}"),
                        binding("moved", "/bearer", "{\"type\":\"bearer\",\"credential\":\"bearer-token\"}")
                                .replace(HOST, MOVED_HOST)) + "]}", HEADER, token);
        assertEquals(201, vault.status(), vault.raw().body());
        noSecretIn(vault.raw().body());

        // Each auth type, a fake header the sandbox sent replaced; the echoed credential redacted on the way back.
        String bearer = get(execd, "/bearer", "Authorization: Bearer fake-in-sandbox\\r\\n");
        assertTrue(bearer.contains("path=/bearer|Authorization=Bearer vault-bearer-7f3a|"), bearer);
        // (the JDK's server spells the header X-echo-authorization)
        assertTrue(bearer.toLowerCase().contains("x-echo-authorization: [redacted]"), bearer);
        assertFalse(bearer.toLowerCase().contains("x-echo-authorization: bearer vault"), bearer);
        assertTrue(get(execd, "/basic", "").contains("Authorization=Basic dXNlcjpwYXNz|"));
        assertTrue(get(execd, "/api/v1/items?x=1", "").contains("X-Api-Key=vault-key-91c2|"));
        String custom = get(execd, "/custom", "");
        assertTrue(custom.contains("X-Client-Id=vault-client-id-55|X-Client-Secret=vault-client-secret-08"), custom);
        // No binding matches: nothing injected (another path; another host name).
        String none = get(execd, "/other", "");
        assertTrue(none.contains("path=/other|Authorization=null|X-Api-Key=null|X-Client-Id=null"), none);
        String otherHost = run(execd, "exec 3<>/dev/tcp/" + gateway + "/80 && printf 'GET /bearer HTTP/1.1\\r\\n"
                + "Host: other.vault.test\\r\\nConnection: close\\r\\n\\r\\n' >&3 && cat <&3");
        assertTrue(otherHost.contains("Authorization=null"), otherHost);

        // The secret goes only where the bound host is: a Host header naming a bound host on a connection to an
        // address DNS does not give that host is refused, and nothing reaches the address.
        String moved = run(execd, "exec 3<>/dev/tcp/" + gateway + "/80 && printf 'GET /bearer HTTP/1.1\\r\\n"
                + "Host: " + MOVED_HOST + "\\r\\nConnection: close\\r\\n\\r\\n' >&3 && cat <&3");
        assertTrue(moved.contains("403") && moved.contains("does not resolve to " + gateway), moved);
        noSecretIn(moved);
        // Requests a binding's host and path would not hold for get no secret either.
        String dotted = get(execd, "/api/../admin", "");
        assertTrue(dotted.contains("403") && dotted.contains("dot segments"), dotted);
        noSecretIn(dotted);
        String trace = run(execd, "exec 3<>/dev/tcp/" + gateway + "/80 && printf 'TRACE /bearer HTTP/1.1\\r\\n"
                + "Host: " + HOST + "\\r\\nConnection: close\\r\\n\\r\\n' >&3 && cat <&3");
        assertFalse(trace.contains("vault-bearer"), trace);

        // A patch adds, replaces and deletes; the proxy applies it to the next request.
        ApiClient.Reply patched = egress.send("PATCH", "/credential-vault", "{\"expectedRevision\":1,"
                + "\"credentials\":{\"add\":[" + credential("runtime-token") + "],\"replace\":[{\"name\":"
                + "\"key-token\",\"source\":{\"value\":\"vault-key-rotated\"}}]},\"bindings\":{\"add\":["
                + binding("runtime", "/runtime", "{\"type\":\"apiKey\",\"name\":\"X-Runtime-Token\",\"credential\":"
                + "\"runtime-token\"}") + "],\"delete\":[\"bearer\"]}}", HEADER, token);
        assertEquals(200, patched.status(), patched.raw().body());
        assertEquals(2, patched.body().path("revision").asLong());
        noSecretIn(patched.raw().body());
        assertFalse(patched.raw().body().contains("vault-key-rotated"));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertTrue(get(execd, "/runtime", "").contains("X-Runtime-Token=vault-runtime-e4d1"));
            assertTrue(get(execd, "/api/x", "").contains("X-Api-Key=vault-key-rotated|"));
            assertTrue(get(execd, "/bearer", "").contains("Authorization=null"));
        });

        // Reads never return a value; bad input gets a clear status and body, and changes nothing.
        for (String path : List.of("", "/credentials", "/credentials/key-token", "/bindings", "/bindings/key")) {
            ApiClient.Reply read = egress.send("GET", "/credential-vault" + path, null, HEADER, token);
            assertEquals(200, read.status(), path);
            noSecretIn(read.raw().body());
            assertFalse(read.raw().body().contains("vault-key-rotated"), read.raw().body());
        }
        ApiClient.Reply stale = egress.send("PATCH", "/credential-vault", "{\"expectedRevision\":1}", HEADER, token);
        assertEquals(409, stale.status());
        assertTrue(stale.raw().body().contains("does not match current revision 2"), stale.raw().body());
        ApiClient.Reply malformed = egress.send("PATCH", "/credential-vault", "{\"credentials\":{", HEADER, token);
        assertEquals(400, malformed.status());
        assertTrue(malformed.raw().body().contains("malformed JSON"), malformed.raw().body());
        ApiClient.Reply badType = egress.send("PATCH", "/credential-vault", "{\"bindings\":{\"add\":[" + binding("x",
                "/x", "{\"type\":\"oauth\",\"credential\":\"runtime-token\"}") + "]}}", HEADER, token);
        assertEquals(400, badType.status());
        assertTrue(badType.raw().body().contains("unsupported auth type \"oauth\""), badType.raw().body());
        assertEquals(2, egress.send("GET", "/credential-vault", null, HEADER, token).body().path("revision").asLong());

        // The sandbox cannot read the vault: not through 18080 without the token, not the internal route, not the
        // sidecar's processes or files (another PID namespace; the secrets live in its memory only).
        String unauthorized = run(execd, "exec 3<>/dev/tcp/127.0.0.1/18080 && printf 'GET /credential-vault HTTP/1.0"
                + "\\r\\n\\r\\n' >&3 && head -1 <&3");
        assertTrue(unauthorized.contains("401"), unauthorized);
        String active = run(execd, "exec 3<>/dev/tcp/127.0.0.1/18080 && printf 'GET /credential-vault/_active "
                + "HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3");
        assertTrue(active.contains("403"), active);
        // (the bracket keeps grep from matching its own command line)
        String search = run(execd, "grep -rl -e 'vault-runtime-e4d[1]' -e 'vault-key-rotate[d]' /proc/[0-9]*/environ "
                + "/proc/[0-9]*/cmdline / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null; "
                + "echo searched");
        assertTrue(search.startsWith("searched"), search);
        // A direct connection to the proxy's port is not relayed anywhere.
        String direct = run(execd, "exec 3<>/dev/tcp/127.0.0.1/15080 && printf 'GET /runtime HTTP/1.1\\r\\nHost: "
                + HOST + "\\r\\n\\r\\n' >&3 && cat <&3; echo done");
        assertFalse(direct.contains("X-Runtime-Token="), direct);

        assertEquals(204, egress.send("DELETE", "/credential-vault", null, HEADER, token).status());
        assertTrue(get(execd, "/runtime", "").contains("X-Runtime-Token=null"));
        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        assertEquals(0, containers.findByLabel("opensandbox.io/egress-sidecar-for", id).size());
    }
}
