package dev.kernelgate.notebooks.clients;

import static dev.kernelgate.notebooks.clients.KernelMessages.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.notebooks.GatewayFixture;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 kernel WebSockets over 10 kernels, opened at one instant by three different clients at once: Debian's
 * python3-websocket on the legacy protocol (80), JupyterLab's {@code @jupyterlab/services} in node on v1 (60) and
 * Tyrus on the legacy protocol (60). Every connection gets the reply to its own request and every broadcast of its
 * client's requests on its kernel, with the other clients' traffic in between; none waits forever.
 */
class MixedClientsChaosTest {
    private static final String TOKEN = "mixed-token";
    private static final int KERNELS = 10;
    private static final int PYTHON_PER_KERNEL = 8;
    private static final int NODE_PER_KERNEL = 6;
    private static final int TYRUS_PER_KERNEL = 6;
    private static final int TIMEOUT_SECONDS = 90;
    private static final Path PYTHON_SCRIPT = Path.of("src", "test", "resources", "clients", "concurrent_channels.py");
    private static final Path NODE_SCRIPT = Path.of("src", "test", "resources", "clients",
            "concurrent-channels-client.js");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayFixture.start(dir.resolve("gateway"), Map.of("KG_AUTH_TOKEN", TOKEN));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    @Timeout(420)
    void twoHundredConnectionsOfThreeClientsOpenedAtOnceOverTenKernels() throws Exception {
        assertTrue(Files.exists(JupyterLabServicesClientTest.NODE_MODULES.resolve("@jupyterlab/services/package.json")),
                "node_modules missing (npm ci --prefix notebooks-tests/js)");
        List<String> kernels = new ArrayList<>();
        for (int i = 0; i < KERNELS; i++) {
            kernels.add(KernelMessages.startKernel(gateway.httpUrl(), TOKEN, "python3"));
        }
        // A start a few seconds ahead, so that every client (node takes longest to load) dials at that instant.
        long startAt = System.currentTimeMillis() + 6000;
        ExecutorService pool = Executors.newCachedThreadPool();
        ClientManager tyrus = ClientManager.createClient();
        try {
            CompletableFuture<ExternalClient> python = CompletableFuture.supplyAsync(() -> external(List.of(
                    "/usr/bin/python3", PYTHON_SCRIPT.toAbsolutePath().toString(), "--url", gateway.wsUrl(),
                    "--token", TOKEN, "--kernels", String.join(",", kernels), "--per-kernel",
                    String.valueOf(PYTHON_PER_KERNEL), "--framing", "legacy", "--timeout",
                    String.valueOf(TIMEOUT_SECONDS), "--start-at", String.valueOf(startAt)), Map.of()), pool);
            CompletableFuture<ExternalClient> node = CompletableFuture.supplyAsync(() -> external(List.of("node",
                    NODE_SCRIPT.toAbsolutePath().toString()), Map.of("KG_URL", gateway.httpUrl(), "KG_TOKEN", TOKEN,
                    "KERNELS", String.join(",", kernels), "PER_KERNEL", String.valueOf(NODE_PER_KERNEL),
                    "START_AT", String.valueOf(startAt), "TIMEOUT_MS", String.valueOf(TIMEOUT_SECONDS * 1000),
                    "NODE_PATH", JupyterLabServicesClientTest.NODE_MODULES.toAbsolutePath().toString())), pool);
            List<String> tyrusFailures = tyrusClients(tyrus, kernels, startAt, pool);

            JsonNode py = python.get(6, TimeUnit.MINUTES).assertSucceeded(MixedClientsChaosTest::kernelsLog)
                    .step("totals");
            assertEquals(KERNELS * PYTHON_PER_KERNEL, py.path("replies").asInt(), py.toString());
            assertEquals(0, py.path("misrouted").asInt(), py.toString());
            JsonNode js = node.get(6, TimeUnit.MINUTES).assertSucceeded(MixedClientsChaosTest::kernelsLog)
                    .step("totals");
            assertEquals(KERNELS * NODE_PER_KERNEL, js.path("replies").asInt(), js.toString());
            assertEquals(KERNELS * NODE_PER_KERNEL, js.path("protocols").path("v1").asInt(), js.toString());
            assertEquals(List.of(), tyrusFailures, "Tyrus connections");
        } finally {
            tyrus.shutdown();
            pool.shutdownNow();
            for (String id : kernels) {
                KernelMessages.rest(gateway.httpUrl(), TOKEN, "DELETE", "/api/kernels/" + id, null);
            }
        }
    }

    private static ExternalClient external(List<String> command, Map<String, String> env) {
        try {
            return ExternalClient.run(command, env, dir, Duration.ofMinutes(5));
        } catch (Exception e) {
            throw new IllegalStateException(command.get(1) + ": " + e, e);
        }
    }

    /**
     * The Tyrus share: one thread per connection, all dialling at {@code startAt}; once all are open, each runs one
     * execute and checks its reply, its stdout and every Tyrus request's broadcasts on its kernel. Returns failures.
     */
    private static List<String> tyrusClients(ClientManager tyrus, List<String> kernels, long startAt,
            ExecutorService pool) throws Exception {
        int total = kernels.size() * TYRUS_PER_KERNEL;
        CountDownLatch allOpen = new CountDownLatch(total);
        Map<String, Set<String>> requestsByKernel = new ConcurrentHashMap<>();
        CountDownLatch allSent = new CountDownLatch(total);
        List<CompletableFuture<String>> outcomes = new ArrayList<>();
        for (String kernel : kernels) {
            for (int c = 0; c < TYRUS_PER_KERNEL; c++) {
                String label = "tyrus-" + kernels.indexOf(kernel) + "-" + c;
                outcomes.add(CompletableFuture.supplyAsync(() -> {
                    try (TyrusSocket ws = new TyrusSocket()) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(startAt - System.currentTimeMillis()));
                        ws.connect(tyrus, kernel);
                        allOpen.countDown();
                        if (!allOpen.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                            return label + ": not every Tyrus connection opened";
                        }
                        ObjectNode request = KernelMessages.execute(ws.sessionId, "print('" + label + "')");
                        requestsByKernel.computeIfAbsent(kernel, k -> ConcurrentHashMap.newKeySet())
                                .add(KernelMessages.msgId(request));
                        allSent.countDown();
                        ws.session.getBasicRemote().sendText(JSON.writeValueAsString(request));
                        if (!allSent.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                            return label + ": not every Tyrus request was sent";
                        }
                        return ws.check(label, request, requestsByKernel.get(kernel));
                    } catch (Exception e) {
                        return label + ": " + e;
                    }
                }, pool));
            }
        }
        List<String> failures = new ArrayList<>();
        for (CompletableFuture<String> outcome : outcomes) {
            String failure = outcome.get(5, TimeUnit.MINUTES);
            if (failure != null) {
                failures.add(failure);
            }
        }
        return failures;
    }

    private static String kernelsLog() {
        try {
            String s = Files.readString(dir.resolve("gateway/kernels.log"));
            return "\nkernels log:\n" + (s.length() > 4000 ? s.substring(s.length() - 4000) : s);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** One Tyrus connection on the legacy protocol; messages are taken from a queue with a deadline. */
    private static final class TyrusSocket implements AutoCloseable {
        final String sessionId = UUID.randomUUID().toString();
        private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private volatile String closed;
        Session session;

        void connect(ClientManager tyrus, String kernelId) throws Exception {
            ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                    .configurator(new ClientEndpointConfig.Configurator() {
                        @Override
                        public void beforeRequest(Map<String, List<String>> headers) {
                            headers.put("Authorization", List.of("token " + TOKEN));
                        }
                    }).build();
            session = tyrus.connectToServer(new Endpoint() {
                @Override
                public void onOpen(Session s, EndpointConfig c) {
                    s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text ->
                            received.add(KernelMessages.parse(text)));
                }

                @Override
                public void onClose(Session s, CloseReason reason) {
                    closed = reason.toString();
                }
            }, config, URI.create(gateway.wsUrl() + "/api/kernels/" + kernelId + "/channels?session_id=" + sessionId));
        }

        /** Null when the reply, the own stdout and every request's execute_input and idle arrived in time. */
        String check(String label, JsonNode request, Set<String> requestsOnKernel) throws InterruptedException {
            String own = KernelMessages.msgId(request);
            Set<String> inputs = ConcurrentHashMap.newKeySet();
            Set<String> idle = ConcurrentHashMap.newKeySet();
            StringBuilder stdout = new StringBuilder();
            boolean replied = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!(replied && idle.containsAll(requestsOnKernel))) {
                JsonNode m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    return label + ": waited " + TIMEOUT_SECONDS + " s in vain (replied " + replied + ", idle "
                            + idle.size() + "/" + requestsOnKernel.size() + ", closed " + closed + ")";
                }
                String parent = KernelMessages.parentId(m);
                String type = m.path("header").path("msg_type").asText();
                if ("execute_reply".equals(type) && own.equals(parent)) {
                    replied = true;
                } else if ("execute_reply".equals(type)) {
                    return label + ": got another connection's reply";
                } else if ("execute_input".equals(type)) {
                    inputs.add(parent);
                } else if ("status".equals(type) && "idle".equals(m.path("content").path("execution_state")
                        .asText())) {
                    idle.add(parent);
                } else if ("stream".equals(type) && own.equals(parent)) {
                    stdout.append(m.path("content").path("text").asText());
                }
            }
            if (!inputs.containsAll(requestsOnKernel)) {
                return label + ": execute_input missing for some of " + requestsOnKernel;
            }
            return (label + "\n").equals(stdout.toString()) ? null : label + ": stdout '" + stdout + "'";
        }

        @Override
        public void close() throws Exception {
            if (session != null && session.isOpen()) {
                session.close();
            }
        }
    }
}
