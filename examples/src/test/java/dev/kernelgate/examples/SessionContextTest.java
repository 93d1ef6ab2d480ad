package dev.kernelgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SessionContextTest {
    @TempDir
    Path state;

    @Test
    @Timeout(120)
    void stepTwoSeesStepOnesStateInTheBashSessionAndThePythonContextButNotInAPlainCommand() {
        SessionContext.Result result;
        try (LocalServer server = LocalServer.start(state)) {
            result = SessionContext.run(server.connection(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        }
        assertFalse(result.sessionId().isEmpty());
        assertEquals("dataset=sales-2024 rows=42 dir=work", result.step2());
        assertTrue(result.stateless().startsWith("dataset=unset rows=1 dir="), result.stateless());
        assertNotEquals("dataset=unset rows=1 dir=work", result.stateless());
        // The kernel kept the import, the function and the list: step 2 appended to step 1's list.
        assertEquals("n=4 mean=6", result.pythonStep2());
    }
}
