package dev.kernelgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentCommandsTest {
    @TempDir
    Path state;

    @Test
    @Timeout(120)
    void eightCommandsRunSideBySideOverOneConfigAndTheirConnectionsStayPooled() throws Exception {
        ConnectionPool pool = ConcurrentCommands.pool();
        ConcurrentCommands.Result result;
        try (LocalServer server = LocalServer.start(state)) {
            result = ConcurrentCommands.run(ConcurrentCommands.connection(server.address(), pool), pool,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        } finally {
            pool.evictAll();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            expected.add(i + " saw 8");
        }
        // Every command saw all eight started: none waited for another to finish.
        assertEquals(expected, result.outputs());
        // The pool kept a connection per stream for the next burst (OkHttp's default pool keeps at most 5).
        assertTrue(result.idleAfter() >= 8, "idle connections kept: " + result.idleAfter());
    }
}
