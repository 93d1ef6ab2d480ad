package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.ServerConfigLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
        try (LifecycleServer.Running server = TestServers.start(config);
             Socket first = new Socket("127.0.0.1", server.port());
             Socket second = new Socket("127.0.0.1", server.port())) {
            long start = System.nanoTime();
            // Both start a head and stop: whichever the server took first times out, the other is one too many.
            String a = partialHeadThenReply(first);
            String b = partialHeadThenReply(second);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of("HTTP/1.1 408", "HTTP/1.1 503"), Stream.of(status(a), status(b)).sorted().toList(),
                    a + "\n" + b);
            String timedOut = a.startsWith("HTTP/1.1 408") ? a : b;
            String refused = timedOut == a ? b : a;
            assertTrue(timedOut.contains("\"message\":\"The request head"), timedOut);
            assertTrue(refused.contains("\"message\":\"Too many connections from 127.0.0.1: at most 1 "), refused);
            assertTrue(millis >= 900 && millis < 6000, "408 after " + millis + " ms");
        }
    }

    private static String status(String reply) {
        return reply.substring(0, Math.min(12, reply.length()));
    }

    private static String partialHeadThenReply(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
