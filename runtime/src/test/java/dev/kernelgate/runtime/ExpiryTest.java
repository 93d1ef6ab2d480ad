package dev.kernelgate.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kernelgate.runtime.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstream's minimum timeout (60 s) on a clock the test moves: the sandbox is gone once its deadline passes. */
class ExpiryTest {
    @TempDir
    Path state;

    @Test
    void aSandboxWithTimeout60IsGoneAfterItsDeadlineAndNotBefore() {
        ServerConfig config = TestServers.config(state);
        config = config.withServer(config.server().withTimeouts(60, null));
        MovableClock clock = new MovableClock();
        try (LifecycleServer.Running server = new LifecycleServer(config, System.getenv(),
                RuntimeProviders.builtIn(), clock, Duration.ofMillis(50)).start()) {
            ApiClient api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
            assertEquals(422, api.post("/v1/sandboxes", ApiClient.createBody(59, null)).status());
            ApiClient.Reply created = api.post("/v1/sandboxes", ApiClient.createBody(60, null));
            assertEquals(202, created.status(), created.raw().body());
            String id = created.body().path("id").asText();
            assertEquals(clock.instant().plusSeconds(60),
                    Instant.parse(created.body().path("expiresAt").asText()));
            String ep = api.get("/v1/sandboxes/" + id + "/endpoints/44772").body().path("endpoint").asText();
            int port = Integer.parseInt(ep.substring(ep.indexOf(':') + 1, ep.indexOf('/')));

            clock.advance(Duration.ofSeconds(59));
            // Several sweeps run at 59 s; the sandbox must still be there after them.
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> api.get("/v1/sandboxes/" + id).status() == 200);
            assertEquals("Running", api.get("/v1/sandboxes/" + id).body().path("status").path("state").asText());

            clock.advance(Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/v1/sandboxes/" + id).status() == 404);
            assertFalse(LocalLifecycleTest.listening(port), "its execd is gone too");
        }
    }
}
