package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.http.ConnectionLimitsProbe;
import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.ServerConfigLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle server's [server] connection-limit keys reach its HTTP server. */
class LifecycleConnectionLimitsTest {

    @TempDir
    Path dir;

    @Test
    void headerTimeoutAndPerClientLimitAreServed() throws Exception {
        ServerConfig config = ServerConfigLoader.parse(dir.resolve("sandbox.toml"), """
                [server]
                host = "127.0.0.1"
                port = 0
                api_key = "k"
                request_header_timeout_seconds = 1
                max_connections_per_client = 1
                """);
        config = config.withLocal(LocalSettings.defaults().withStateDir(dir.resolve("state")).withWarmPoolSize(0));
        try (LifecycleServer.Running server = TestServers.start(config)) {
            ConnectionLimitsProbe.Replies replies = ConnectionLimitsProbe.probe(server.port(), "/health");
            assertTrue(replies.timedOut().contains("\"message\":\"The request head"), replies.timedOut());
            assertTrue(replies.refused().contains("\"message\":\"Too many"), replies.refused());
        }
    }
}
