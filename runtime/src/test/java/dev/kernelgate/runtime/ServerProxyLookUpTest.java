package dev.kernelgate.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kernelgate.runtime.local.LocalRuntimeProvider;
import dev.kernelgate.runtime.spi.InternalEndpoint;
import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.RuntimeContext;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxRuntimeProvider;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server proxy's target look-up over the local runtime, watched by a runtime that counts the look-ups it is asked
 * for: one look-up serves every request to a sandbox's port until the sandbox changes state, and a slow look-up does
 * not hold the sandbox (its pause goes ahead).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerProxyLookUpTest {
    /** The port the counting runtime sends to {@link #target} (a test server on the host's loopback). */
    private static final int TAGGED = 7;
    /** The port whose look-up waits for {@link #gate}. */
    private static final int SLOW = 9;

    @TempDir
    Path state;
    private final List<HttpServer> servers = new ArrayList<>();
    private final AtomicInteger lookUps = new AtomicInteger();
    private volatile InetSocketAddress target;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final CountDownLatch slowEntered = new CountDownLatch(1);
    private LifecycleServer.Running server;
    private ApiClient api;

    @BeforeAll
    void start() throws IOException {
        target = serve("A");
        SandboxRuntimeProvider local = new LocalRuntimeProvider();
        SandboxRuntimeProvider counting = new SandboxRuntimeProvider() {
            @Override
            public String type() {
                return local.type();
            }

            @Override
            public SandboxRuntime open(RuntimeContext context) {
                return new Counting(local.open(context));
            }
        };
        server = new LifecycleServer(TestServers.config(state), System.getenv(), List.of(counting), Clock.systemUTC(),
                Duration.ofMillis(100)).start();
        api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
    }

    @AfterAll
    void stop() {
        server.close();
        servers.forEach(s -> s.stop(0));
    }

    /** A loopback HTTP server answering {@code name} to everything. */
    private InetSocketAddress serve(String name) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        servers.add(http);
        return http.getAddress();
    }

    private String create() {
        ApiClient.Reply created = api.post("/v1/sandboxes", ApiClient.createBody(null, null));
        assertEquals(202, created.status(), created.raw().body());
        return created.body().path("id").asText();
    }

    @Test
    void oneLookUpServesEveryRequestUntilTheSandboxChangesState() throws Exception {
        String id = create();
        String who = "/sandboxes/" + id + "/proxy/" + TAGGED + "/who";
        int before = lookUps.get();
        List<CompletableFuture<ApiClient.Reply>> burst = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            burst.add(CompletableFuture.supplyAsync(() -> api.get(who)));
        }
        for (CompletableFuture<ApiClient.Reply> reply : burst) {
            assertEquals("A", reply.get(60, TimeUnit.SECONDS).raw().body());
        }
        for (int i = 0; i < 10; i++) {
            assertEquals("A", api.get(who).raw().body());
        }
        assertEquals(1, lookUps.get() - before, "26 requests, one look-up");

        target = serve("B");
        assertEquals("A", api.get(who).raw().body(), "the target found stays while the sandbox does not change");
        assertEquals(1, lookUps.get() - before);

        assertEquals(202, api.post("/sandboxes/" + id + "/pause", null).status());
        ApiClient.Reply paused = api.get(who);
        assertEquals(502, paused.status());
        assertTrue(paused.body().path("message").asText().contains("Paused"), paused.raw().body());
        assertEquals(202, api.post("/sandboxes/" + id + "/resume", null).status());
        assertEquals("B", api.get(who).raw().body(), "after pause and resume the target is looked up again");
        assertEquals("B", api.get(who).raw().body());
        assertEquals(2, lookUps.get() - before);

        assertEquals(204, api.delete("/sandboxes/" + id).status());
        ApiClient.Reply gone = api.get(who);
        assertEquals(404, gone.status(), gone.raw().body());
        assertEquals("LOCAL::SANDBOX_NOT_FOUND", gone.body().path("code").asText());
        assertEquals(2, lookUps.get() - before);
        assertEquals(200, api.get("/health").status());
    }

    @Test
    void aSlowLookUpDoesNotHoldTheSandbox() throws Exception {
        String id = create();
        gate = new CountDownLatch(1);
        CompletableFuture<ApiClient.Reply> proxied = CompletableFuture.supplyAsync(() -> api.get("/sandboxes/" + id
                + "/proxy/" + SLOW + "/who"));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> slowEntered.getCount() == 0);
            CompletableFuture<ApiClient.Reply> pause = CompletableFuture.supplyAsync(() -> api.post("/sandboxes/" + id
                    + "/pause", null));
            await().atMost(Duration.ofSeconds(5)).until(pause::isDone);
            assertEquals(202, pause.join().status(), "paused while the look-up was still with the runtime");
        } finally {
            gate.countDown();
        }
        ApiClient.Reply reply = proxied.get(30, TimeUnit.SECONDS);
        assertEquals(502, reply.status(), "the answer of a look-up overtaken by a pause is not used");
        assertTrue(reply.body().path("message").asText().contains("Paused"), reply.raw().body());
        assertEquals(204, api.delete("/sandboxes/" + id).status());
    }

    /** The local runtime, counting look-ups of {@link #TAGGED} (sent to {@link #target}) and holding {@link #SLOW}'s. */
    private final class Counting implements SandboxRuntime {
        private final SandboxRuntime local;

        Counting(SandboxRuntime local) {
            this.local = local;
        }

        @Override
        public InternalEndpoint internalEndpoint(String id, int port) {
            if (port == SLOW) {
                slowEntered.countDown();
                try {
                    gate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            InternalEndpoint found = local.internalEndpoint(id, port);
            if (port != TAGGED) {
                return found;
            }
            lookUps.incrementAndGet();
            return InternalEndpoint.direct(target.getAddress().getHostAddress(), target.getPort());
        }

        @Override
        public String type() {
            return local.type();
        }

        @Override
        public void validate(SandboxSpec spec) {
            local.validate(spec);
        }

        @Override
        public SandboxStatus create(SandboxSpec spec) {
            return local.create(spec);
        }

        @Override
        public Optional<SandboxStatus> inspect(String id) {
            return local.inspect(id);
        }

        @Override
        public void pause(String id) {
            local.pause(id);
        }

        @Override
        public void resume(String id) {
            local.resume(id);
        }

        @Override
        public void delete(String id) {
            local.delete(id);
        }

        @Override
        public SandboxEndpoint endpoint(String id, int port) {
            return local.endpoint(id, port);
        }

        @Override
        public void expirationChanged(String id, Instant expiresAt) {
            local.expirationChanged(id, expiresAt);
        }

        @Override
        public void metadataChanged(String id, Map<String, String> metadata) {
            local.metadataChanged(id, metadata);
        }

        @Override
        public List<RecoveredSandbox> recover() {
            return local.recover();
        }

        @Override
        public List<String> images() {
            return local.images();
        }

        @Override
        public void close() {
            local.close();
        }
    }
}
