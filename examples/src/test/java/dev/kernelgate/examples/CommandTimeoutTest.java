package dev.kernelgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class CommandTimeoutTest {
    @TempDir
    Path state;

    @Test
    @Timeout(120)
    void theDeadlineEndsTheShellAndBothChildrenIncludingOneIgnoringSigterm() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CommandTimeout.Result result;
        try (LocalServer server = LocalServer.start(state)) {
            result = CommandTimeout.run(server.connection(), Duration.ofSeconds(2),
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
        }
        assertTrue(result.timedOut());
        assertEquals(3, new HashSet<>(result.pids()).size(), result.toString());
        // /proc in the sandbox saw all three running at the deadline, and none of them after the interrupt.
        assertEquals(new HashSet<>(result.pids()), new HashSet<>(result.aliveAtDeadline()), result.toString());
        assertEquals(List.of(), result.aliveAfter());
        assertFalse(result.output().contains("finished"), result.output());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("interrupting"));
    }
}
