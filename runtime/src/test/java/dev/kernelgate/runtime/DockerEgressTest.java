package dev.kernelgate.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kernelgate.execd.egress.TinyDnsServer;
import dev.kernelgate.runtime.config.EgressSettings;
import dev.kernelgate.runtime.config.RuntimeSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.StorageSettings;
import dev.kernelgate.runtime.docker.DockerEngine;
import dev.kernelgate.runtime.docker.EgressToolsAccess;
import dev.kernelgate.runtime.docker.SandboxContainers;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code networkPolicy} on the real engine: the sandbox runs in its egress sidecar's network namespace, on the test
 * engine's own bridge (198.18.0.0/24, scripts/docker-engine). The test's nameserver and web server listen on the
 * bridge's host address only; nothing else is reached.
 */
class DockerEgressTest {
    private static final String IMAGE = System.getenv().getOrDefault("KERNELGATE_TEST_IMAGE",
            "kernelgate-test/bookworm:minbase");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = "\"entrypoint\":[\"sleep\",\"infinity\"],\"networkPolicy\":"
            + "{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":\"allowed.egress.test\"}]}";
    private static final String PATCH = "[{\"action\":\"allow\",\"target\":\"other.egress.test\"},"
            + "{\"action\":\"deny\",\"target\":\"allowed.egress.test\"}]";
    /** Answers every request with its port and request line (perl-base is in every Debian image). */
    private static final String PERL_SERVER = "use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => "
            + "'0.0.0.0', LocalPort => 9000, Listen => 5, ReuseAddr => 1) or die $!; while (my $c = $s->accept) "
            + "{ my $r = <$c>; print $c \"HTTP/1.0 200 OK\\r\\n\\r\\nport 9000 got $r\"; close $c; }";

    @TempDir
    Path state;
    private SandboxContainers containers;
    private LifecycleServer.Running server;
    private TinyDnsServer dns;
    private HttpServer web;
    private String gateway;
    private final java.util.List<String> sandboxIds = new java.util.ArrayList<>();

    @BeforeEach
    void engineAndServers() throws Exception {
        String dockerHost = System.getenv("DOCKER_HOST");
        assumeTrue(dockerHost != null && !dockerHost.isBlank(), "DOCKER_HOST is not set (scripts/test sets it)");
        containers = new SandboxContainers(new DockerEngine(dockerHost, Duration.ofSeconds(30)), null);
        gateway = bridgeAddress();
        dns = new TinyDnsServer(new InetSocketAddress(gateway, 0),
                Map.of("allowed.egress.test", gateway, "blocked.egress.test", gateway));
        web = HttpServer.create(new InetSocketAddress(gateway, 0), 8);
        web.createContext("/", exchange -> {
            byte[] body = "hello through the policy".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
    }

    @AfterEach
    void stop() {
        if (containers != null) {
            // What a failed run left: the sandboxes of this test's server and their sidecars.
            for (String label : new String[] {"opensandbox.io/egress-sidecar-for", "kernelgate.test/egress"}) {
                containers.findByLabel(label, null).stream()
                        .filter(c -> sandboxIds.contains(c.labels().getOrDefault("opensandbox.io/egress-sidecar-for",
                                c.labels().getOrDefault("opensandbox.io/id", ""))))
                        .forEach(c -> containers.remove(c.id()));
            }
        }
        if (server != null) {
            server.close();
        }
        if (web != null) {
            web.stop(0);
        }
        if (dns != null) {
            dns.close();
        }
    }

    /** The host's address on the test engine's bridge (--bip=198.18.0.1/24). */
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

    private LifecycleServer.Running start(String mode, Path allowedHostPath) {
        ServerConfig config = TestServers.config(state).withRuntime(new RuntimeSettings("docker", null, null));
        config = config.withDocker(config.docker().withNetworkMode("bridge"))
                .withEgress(new EgressSettings(null, mode, true, gateway + ":" + dns.address().getPort()));
        if (allowedHostPath != null) {
            config = config.withStorage(new StorageSettings(List.of(allowedHostPath), null, null));
        }
        return new LifecycleServer(config, System.getenv(), RuntimeProviders.builtIn(), Clock.systemUTC(),
                Duration.ofMillis(100)).start();
    }

    private String create(ApiClient api, String extra) {
        ApiClient.Reply created = api.post("/v1/sandboxes", "{\"image\":{\"uri\":\"" + IMAGE + "\"},"
                + "\"metadata\":{\"kernelgate.test/egress\":\"1\"}," + extra + "}");
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        sandboxIds.add(id);
        return id;
    }

    private static ApiClient execd(ApiClient api, String id) {
        return new ApiClient("http://" + api.get("/v1/sandboxes/" + id + "/endpoints/44772").body().path("endpoint")
                .asText(), null);
    }

    /** Runs a shell command in the sandbox; its stdout lines joined, and the exit code (0 on success). */
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

    /** A DNS query for {@code name} sent straight to {@code host:port} over UDP, as sandbox code could send one. */
    private static String directQuery(String host, int port, String name) {
        String perl = "use IO::Socket::INET; my $s = IO::Socket::INET->new(PeerAddr => '" + host + "', PeerPort => "
                + port + ", Proto => 'udp') or die \"socket: $!\"; my $q = pack('n6', 4660, 256, 1, 0, 0, 0)"
                + " . join('', map { chr(length $_) . $_ } split /[.]/, '" + name + "') . chr(0) . pack('n2', 1, 1);"
                + " $s->send($q); my $r; my $in = ''; vec($in, fileno($s), 1) = 1;"
                + " if (select($in, undef, undef, 3) && defined $s->recv($r, 512) && length $r)"
                + " { print \"answered \", length $r } else { print \"no answer: $!\" }";
        return "perl -e \"" + perl.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + "\"";
    }

    private static String connect(String host, int port) {
        return "exec 3<>/dev/tcp/" + host + "/" + port + " && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3";
    }

    @Test
    void aSandboxReachesAllowedNamesOnlyAndAPatchFlipsThem() throws Exception {
        server = start("dns", null);
        ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        String id = create(api, POLICY);
        assertEquals(1, containers.findByLabel("opensandbox.io/egress-sidecar-for", id).size());
        ApiClient execd = execd(api, id);
        int port = web.getAddress().getPort();
        assertTrue(run(execd, "getent hosts allowed.egress.test").contains(gateway));
        assertTrue(run(execd, connect("allowed.egress.test", port)).contains("hello through the policy"));
        String blocked = run(execd, "getent hosts blocked.egress.test");
        assertTrue(blocked.endsWith("exit=2"), "NXDOMAIN: getent finds nothing: " + blocked);
        assertFalse(run(execd, connect("blocked.egress.test", port)).contains("hello"));

        // The policy API, as the SDK reaches it: the 18080 endpoint with the token header it carries.
        JsonNode endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/18080").body();
        String token = endpoint.path("headers").path("OPENSANDBOX-EGRESS-AUTH").asText(null);
        assertNotNull(token, endpoint.toString());
        ApiClient egress = new ApiClient("http://" + endpoint.path("endpoint").asText(), null);
        assertEquals(401, egress.get("/policy").status());
        ApiClient.Reply policy = egress.send("GET", "/policy", null, "OPENSANDBOX-EGRESS-AUTH", token);
        assertEquals(200, policy.status(), policy.raw().body());
        assertEquals("allowed.egress.test", policy.body().path("policy").path("egress").get(0).path("target")
                .asText());
        // The same API through the server's proxy (use_server_proxy): the endpoint keeps the token header.
        JsonNode viaServer = api.get("/v1/sandboxes/" + id + "/endpoints/18080?use_server_proxy=true").body();
        assertEquals(token, viaServer.path("headers").path("OPENSANDBOX-EGRESS-AUTH").asText(), viaServer.toString());
        ApiClient proxied = new ApiClient("http://" + viaServer.path("endpoint").asText(), TestServers.API_KEY);
        ApiClient.Reply throughServer = proxied.send("GET", "/policy", null, "OPENSANDBOX-EGRESS-AUTH", token);
        assertEquals(200, throughServer.status(), throughServer.raw().body());
        assertEquals(401, proxied.get("/policy").status());
        ApiClient.Reply patched = egress.send("PATCH", "/policy", "[{\"action\":\"allow\",\"target\":"
                + "\"blocked.egress.test\"},{\"action\":\"deny\",\"target\":\"allowed.egress.test\"}]",
                "OPENSANDBOX-EGRESS-AUTH", token);
        assertEquals(200, patched.status(), patched.raw().body());
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertTrue(run(execd, "getent hosts blocked.egress.test").contains(gateway));
            assertTrue(run(execd, "getent hosts allowed.egress.test").endsWith("exit=2"));
        });
        assertTrue(run(execd, connect("blocked.egress.test", port)).contains("hello through the policy"));

        // Code in the sandbox cannot undo it: its resolver file is read-only, it holds no NET_ADMIN, it sees no
        // process of the sidecar (nor its token), and the policy API refuses it without the token.
        String resolv = run(execd, "echo nameserver " + gateway + " > /etc/resolv.conf");
        assertTrue(resolv.contains("Read-only file system"), resolv);
        String caps = run(execd, "grep CapEff /proc/self/status");
        long effective = Long.parseLong(caps.replaceAll("(?s).*CapEff:\\s*([0-9a-f]+).*", "$1"), 16);
        assertEquals(0, effective & (1L << 12), "CAP_NET_ADMIN: " + caps);
        // (a bracket in each pattern keeps the grep and its shell from matching their own command lines)
        String sidecarProcesses = run(execd, "grep -l -e 'Egress[M]ain' /proc/[0-9]*/cmdline; grep -l -e '"
                + token.charAt(0) + "[" + token.charAt(1) + "]" + token.substring(2) + "' /proc/[0-9]*/environ "
                + "/proc/[0-9]*/cmdline; echo done");
        assertTrue(sidecarProcesses.startsWith("done"), sidecarProcesses);
        String unauthorized = run(execd, "exec 3<>/dev/tcp/127.0.0.1/18080 && printf 'PATCH /policy HTTP/1.0\\r\\n"
                + "Content-Length: 2\\r\\n\\r\\n[]' >&3 && head -1 <&3");
        assertTrue(unauthorized.contains("401"), unauthorized);
        // Signals reach only the sandbox's own processes: the sidecar's are in another PID namespace.
        String kill = run(execd, "for p in $(ls /proc | grep -E '^[0-9]+$'); do [ $p != 1 ] && [ $p != $$ ] && "
                + "grep -q -e 'Egress[M]ain' /proc/$p/cmdline 2>/dev/null && kill -9 $p && echo killed $p; done; "
                + "echo tried");
        assertFalse(kill.contains("killed"), kill);
        assertTrue(containers.findByLabel("opensandbox.io/egress-sidecar-for", id).get(0).running());
        assertTrue(run(execd, "getent hosts blocked.egress.test").contains(gateway), "the proxy still answers");

        // A restarted server finds the sandbox, its sidecar's ports and its token again from the labels.
        server.close();
        server = start("dns", null);
        api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        JsonNode again = api.get("/v1/sandboxes/" + id + "/endpoints/18080").body();
        assertEquals(token, again.path("headers").path("OPENSANDBOX-EGRESS-AUTH").asText(), again.toString());
        assertEquals(2, new ApiClient("http://" + again.path("endpoint").asText(), null)
                .send("GET", "/policy", null, "OPENSANDBOX-EGRESS-AUTH", token).body().path("policy").path("egress")
                .size());

        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        assertEquals(0, containers.findByLabel("opensandbox.io/egress-sidecar-for", id).size());
    }

    @Test
    void inDnsNftModeOnlyAddressesOfAllowedNamesAreReachableAndAPatchFlipsThem() throws Exception {
        Path tools = EgressToolsAccess.directory();
        server = start("dns+nft", tools);
        ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        // Another host on the bridge, with no policy: a web server on 9000 the policy's sandbox must not reach.
        String other = create(api, "\"entrypoint\":[\"perl\",\"-e\"," + JSON.writeValueAsString(PERL_SERVER) + "]");
        String otherIp = run(execd(api, other), "getent hosts $(cat /etc/hostname)").split("\\s+")[0];
        assertTrue(otherIp.startsWith("198.18."), otherIp);
        dns.put("other.egress.test", otherIp);

        String id = create(api, POLICY + ",\"volumes\":[{\"name\":\"tools\",\"mountPath\":\"/tools\",\"readOnly\":true,"
                + "\"host\":{\"path\":\"" + tools + "\"}}]");
        ApiClient execd = execd(api, id);
        // The sandbox cannot ask the upstream nameserver itself, only through the proxy (whose sockets alone carry
        // the mark the rule admits): a sandbox without a policy gets an answer to the very same query. (Asked before
        // any allowed name is resolved: here the nameserver shares its address with the allowed names' server.)
        int dnsPort = dns.address().getPort();
        assertTrue(run(execd(api, other), directQuery(gateway, dnsPort, "blocked.egress.test")).contains("answered"));
        String bypass = run(execd, directQuery(gateway, dnsPort, "blocked.egress.test"));
        assertFalse(bypass.contains("answered"), bypass);
        int port = web.getAddress().getPort();
        assertTrue(run(execd, connect("allowed.egress.test", port)).contains("hello through the policy"));
        String direct = run(execd, connect(otherIp, 9000));
        assertFalse(direct.contains("port 9000 got"), direct);
        assertTrue(direct.contains("Connection refused"), direct);
        assertTrue(run(execd, "getent hosts other.egress.test").endsWith("exit=2"));

        // The sandbox holds no NET_ADMIN: with iptables itself at hand it can neither flush nor read the rules.
        String flush = run(execd, "/tools/bin/iptables -w -F; /tools/bin/iptables -w -P OUTPUT ACCEPT");
        assertTrue(flush.contains("Permission denied") || flush.contains("Operation not permitted"), flush);
        assertTrue(run(execd, connect(otherIp, 9000)).contains("Connection refused"));

        JsonNode endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/18080").body();
        ApiClient egress = new ApiClient("http://" + endpoint.path("endpoint").asText(), null);
        ApiClient.Reply patched = egress.send("PATCH", "/policy", PATCH, "OPENSANDBOX-EGRESS-AUTH",
                endpoint.path("headers").path("OPENSANDBOX-EGRESS-AUTH").asText());
        assertEquals(200, patched.status(), patched.raw().body());
        assertEquals("dns+nft", patched.body().path("enforcementMode").asText());
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertTrue(run(execd, connect("other.egress.test", 9000)).contains("port 9000 got GET"));
            assertTrue(run(execd, "getent hosts allowed.egress.test").endsWith("exit=2"));
            // the address learned for the name now denied is dropped with it
            assertTrue(run(execd, connect(gateway, port)).contains("Connection refused"));
        });

        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        assertEquals(204, api.delete("/v1/sandboxes/" + other).status());
    }
}
