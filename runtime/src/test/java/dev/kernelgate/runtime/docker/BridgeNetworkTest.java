package dev.kernelgate.runtime.docker;

import static dev.kernelgate.runtime.docker.DockerTestSupport.RUN_LABEL;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Ports;
import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.ResourceLimits;
import dev.kernelgate.runtime.spi.SandboxSpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code network_mode = "bridge"} on the real engine, through the runtime: execd's port and the HTTP port 8080 are
 * published on 127.0.0.1 only; execd answers on its published port and, as upstream's SDKs call it, through
 * {@code /proxy/44772}; a server the sandbox starts on another port is reached through execd's {@code /proxy/{port}},
 * one on 8080 through its own published port. The test engine's bridge is in the benchmarking range 198.18.0.0/15
 * (scripts/docker-engine), and nothing private-range is configured inside the container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgeNetworkTest {
    private static final int APP_PORT = 9000;
    private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b");
    /** Answers every request with its port and request line, then closes; perl-base is in every Debian image. */
    private static final String SERVER = """
            use strict; use IO::Socket::INET;
            my $port = shift;
            my $server = IO::Socket::INET->new(LocalAddr => "0.0.0.0", LocalPort => $port, Listen => 5,
                ReuseAddr => 1) or die "cannot listen on $port: $!";
            while (my $client = $server->accept) {
                my $request = <$client>;
                next unless defined $request;
                $request =~ s/\\r?\\n$//;
                while (my $line = <$client>) { last if $line =~ /^\\r?\\n$/; }
                my $body = "port $port got $request";
                print $client "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: " . length($body)
                    . "\\r\\nConnection: close\\r\\n\\r\\n$body";
                close $client;
            }
            """;

    private final String run = UUID.randomUUID().toString();
    private DockerEngine engine;
    private SandboxContainers containers;
    private DockerRuntime runtime;

    @BeforeAll
    void bridgeRuntime() {
        engine = DockerTestSupport.engine();
        ExecdDistribution distribution = DockerTestSupport.distribution();
        containers = new SandboxContainers(engine, distribution);
        SandboxStarter starter = DockerTestSupport.starter(containers);
        ContainerSecurity security = ContainerSecurity.defaults();
        runtime = new DockerRuntime(engine, containers, starter,
                new DockerRuntimeSettings(NetworkMode.BRIDGE, security, new HostPathPolicy(List.of()), "127.0.0.1"),
                new ExecdClassArchive(distribution, starter, containers, security),
                DockerTestSupport.sidecars(engine, containers, distribution, security,
                        dev.kernelgate.runtime.config.EgressSettings.defaults()));
    }

    @AfterEach
    void removeWhatThisRunStarted() {
        if (containers != null) {
            DockerTestSupport.removeRun(containers, run);
        }
    }

    @AfterAll
    void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void bridgeSandboxIsPublishedOnLoopbackOnlyAndReachedThroughExecdsProxy() throws Exception {
        SandboxSpec spec = new SandboxSpec(UUID.randomUUID().toString(),
                new SandboxSpec.ImageSpec(DockerTestSupport.image(), null, null), List.of("sleep", "infinity"),
                Map.of(), Map.of(RUN_LABEL, run), ResourceLimits.none(), null, List.of(), null, false, Map.of(),
                Instant.now(), null);
        runtime.create(spec);
        String name = DockerRuntime.containerName(spec.id());
        InspectContainerResponse inspect = engine.client().inspectContainerCmd(name).exec();

        // Asked for and done: execd's port and 8080, each on 127.0.0.1 alone, on ports the engine picked.
        assertEquals(Set.of(SandboxContainers.EXECD_CONTAINER_PORT, SandboxContainers.HTTP_CONTAINER_PORT),
                loopbackBindings(inspect.getHostConfig().getPortBindings(), false).keySet());
        Map<Integer, Integer> published = loopbackBindings(inspect.getNetworkSettings().getPorts(), true);
        assertEquals(Set.of(SandboxContainers.EXECD_CONTAINER_PORT, SandboxContainers.HTTP_CONTAINER_PORT),
                published.keySet());
        int execdPort = published.get(SandboxContainers.EXECD_CONTAINER_PORT);
        int httpPort = published.get(SandboxContainers.HTTP_CONTAINER_PORT);
        for (int port : published.values()) {
            assertEquals(List.of("127.0.0.1"), hostListeners(port), "listening sockets of host port " + port);
        }

        // The container sits on the engine's bridge, in 198.18.0.0/15, and so does its gateway.
        Network bridge = engine.client().inspectNetworkCmd().withNetworkId("bridge").exec();
        List<String> subnets = bridge.getIpam().getConfig().stream().map(Network.Ipam.Config::getSubnet).toList();
        assertFalse(subnets.isEmpty(), "the engine's bridge has no subnet");
        subnets.forEach(subnet -> assertTrue(inBenchmarkRange(subnet), "bridge subnet " + subnet));
        ContainerNetwork address = inspect.getNetworkSettings().getNetworks().get("bridge");
        assertTrue(inBenchmarkRange(address.getIpAddress()), "container address " + address.getIpAddress());
        assertTrue(inBenchmarkRange(address.getGateway()), "container gateway " + address.getGateway());

        // execd on its published port, and at the endpoint upstream's SDKs get for 44772.
        assertEquals(200, new ExecdClient(URI.create("http://127.0.0.1:" + execdPort)).ping());
        String execdEndpoint = runtime.endpoint(spec.id(), SandboxContainers.EXECD_CONTAINER_PORT).endpoint();
        assertEquals("127.0.0.1:" + execdPort + "/proxy/" + SandboxContainers.EXECD_CONTAINER_PORT, execdEndpoint);
        ExecdClient execd = ExecdClient.ofEndpoint(execdEndpoint);
        assertEquals(200, execd.ping());
        ExecdClient.Result hostname = execd.command("cat /etc/hostname");
        assertEquals(0, hostname.exitCode(), hostname.events().toString());
        assertEquals(inspect.getConfig().getHostName(), hostname.stdout().strip());

        // Two servers of the sandbox's own: one on another port, reached through execd's proxy; one on 8080.
        assertEquals(200, execd.upload("/tmp/serve.pl", SERVER.getBytes(StandardCharsets.UTF_8)));
        for (int port : new int[] {APP_PORT, SandboxContainers.HTTP_CONTAINER_PORT}) {
            ExecdClient.Result started = execd.command(
                    "setsid -f perl /tmp/serve.pl " + port + " >/tmp/serve-" + port + ".log 2>&1");
            assertEquals(0, started.exitCode(), started.events().toString());
        }
        String appEndpoint = runtime.endpoint(spec.id(), APP_PORT).endpoint();
        assertEquals("127.0.0.1:" + execdPort + "/proxy/" + APP_PORT, appEndpoint);
        assertEquals("port " + APP_PORT + " got GET /hello?from=host HTTP/1.1",
                answer(ExecdClient.ofEndpoint(appEndpoint), "/hello?from=host"));
        String httpEndpoint = runtime.endpoint(spec.id(), SandboxContainers.HTTP_CONTAINER_PORT).endpoint();
        assertEquals("127.0.0.1:" + httpPort, httpEndpoint);
        assertEquals("port 8080 got GET /direct HTTP/1.1", answer(ExecdClient.ofEndpoint(httpEndpoint), "/direct"));

        // Inside: the container's addresses, routes and resolver are loopback or the bridge, nothing private-range.
        String addresses = String.join("\n", execd.command("cat /proc/net/fib_trie").stdoutLines());
        assertTrue(addresses.contains(address.getIpAddress()), addresses);
        assertNothingPrivate("/proc/net/fib_trie", ipv4s(addresses));
        List<String> routes = routes(execd.command("cat /proc/net/route").stdoutLines());
        assertTrue(routes.contains("0.0.0.0 via " + address.getGateway()), routes.toString());
        assertNothingPrivate("/proc/net/route", routes.stream().flatMap(r -> ipv4s(r).stream()).toList());
        String resolver = String.join("\n", execd.command("cat /etc/resolv.conf").stdoutLines());
        List<String> nameservers = ipv4s(resolver);
        assertFalse(nameservers.isEmpty(), resolver);
        assertNothingPrivate("/etc/resolv.conf", nameservers);

        runtime.delete(spec.id());
        assertTrue(containers.inspect(name).isEmpty());
        assertTrue(containers.findByLabel(RUN_LABEL, run).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> refused(execdPort) && refused(httpPort));
    }

    /** The body of a 200 answer, polled until the server in the container listens. */
    private static String answer(ExecdClient client, String path) {
        AtomicReference<HttpResponse<String>> answered = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            answered.set(client.fetch(path));
            return answered.get().statusCode() == 200;
        });
        return answered.get().body();
    }

    /**
     * Container port to host port of every published binding, each of which must be on 127.0.0.1 alone: the engine's
     * view ({@code actual}: a host port was picked) or what the runtime asked for (an empty host port).
     */
    private static Map<Integer, Integer> loopbackBindings(Ports ports, boolean actual) {
        Map<Integer, Integer> found = new HashMap<>();
        for (Map.Entry<ExposedPort, Ports.Binding[]> entry : ports.getBindings().entrySet()) {
            Ports.Binding[] bindings = entry.getValue();
            assertEquals(1, bindings.length, "bindings of " + entry.getKey());
            assertEquals("127.0.0.1", bindings[0].getHostIp(), "host address of " + entry.getKey());
            String hostPort = bindings[0].getHostPortSpec();
            if (actual) {
                found.put(entry.getKey().getPort(), Integer.parseInt(hostPort));
            } else {
                assertTrue(hostPort == null || hostPort.isEmpty(), "the engine picks the port, not " + hostPort);
                found.put(entry.getKey().getPort(), 0);
            }
        }
        return found;
    }

    /** The local addresses of this host's listening TCP sockets (IPv4 and IPv6) on {@code port}. */
    private static List<String> hostListeners(int port) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && fields[3].equals("0A") && fields[1].contains(":")) {
                    String[] local = fields[1].split(":");
                    if (Integer.parseInt(local[1], 16) == port) {
                        addresses.add(local[0].length() == 8 ? ipv4(local[0]) : "[" + local[0] + "]");
                    }
                }
            }
        }
        return addresses;
    }

    /** {@code /proc/net/route} as "destination via gateway" lines. */
    private static List<String> routes(List<String> table) {
        List<String> routes = new ArrayList<>();
        for (String line : table) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 2 && fields[1].matches("[0-9A-Fa-f]{8}")) {
                routes.add(ipv4(fields[1]) + " via " + ipv4(fields[2]));
            }
        }
        return routes;
    }

    /** An address as /proc/net writes it: 8 hex digits in the host's (little-endian) byte order. */
    private static String ipv4(String hex) {
        long value = Long.parseLong(hex, 16);
        return (value & 0xff) + "." + (value >> 8 & 0xff) + "." + (value >> 16 & 0xff) + "." + (value >> 24 & 0xff);
    }

    private static List<String> ipv4s(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = IPV4.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static void assertNothingPrivate(String where, List<String> addresses) {
        for (String address : addresses) {
            assertFalse(privateRange(address), where + " has the private-range address " + address + ": "
                    + addresses);
        }
    }

    private static int[] octets(String address) {
        String[] parts = address.split("/")[0].split("\\.");
        int[] octets = new int[4];
        for (int i = 0; i < 4; i++) {
            octets[i] = Integer.parseInt(parts[i]);
        }
        return octets;
    }

    /** 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918). */
    private static boolean privateRange(String address) {
        int[] o = octets(address);
        return o[0] == 10 || o[0] == 172 && o[1] >= 16 && o[1] <= 31 || o[0] == 192 && o[1] == 168;
    }

    /** Inside 198.18.0.0/15 (RFC 2544): an address, or a subnet no larger than the range. */
    private static boolean inBenchmarkRange(String address) {
        int[] o = octets(address);
        boolean prefixFits = !address.contains("/") || Integer.parseInt(address.split("/")[1]) >= 15;
        return prefixFits && o[0] == 198 && (o[1] == 18 || o[1] == 19);
    }

    private static boolean refused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void addressChecksOfThisTestTellTheRangesApart() {
        assertTrue(privateRange("172.17.0.2"));
        assertTrue(privateRange("10.255.255.53"));
        assertTrue(privateRange("192.168.1.1"));
        assertFalse(privateRange("172.32.0.1"));
        assertFalse(privateRange("198.18.0.2"));
        assertTrue(inBenchmarkRange("198.19.255.1"));
        assertTrue(inBenchmarkRange("198.18.64.0/24"));
        assertFalse(inBenchmarkRange("198.18.0.0/14"));
        assertFalse(inBenchmarkRange("198.20.0.1"));
        assertEquals("198.18.0.1", ipv4("010012C6"));
    }
}
