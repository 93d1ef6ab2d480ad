package dev.kernelgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.alibaba.opensandbox.sandbox.SandboxManager;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxApiException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ErrorHandlingTest {
    @TempDir
    Path state;

    @Test
    @Timeout(120)
    void aRefusedCreateIsRetriedFixedAHungStepRestartsInAFreshSandboxAndEverySandboxIsGoneAfterwards()
            throws Exception {
        try (LocalServer server = LocalServer.start(state)) {
            ErrorHandling.Result result = ErrorHandling.run(server.connection(), Duration.ofSeconds(1),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

            assertEquals(400, result.refusedStatus());
            assertEquals("SANDBOX::INVALID_METADATA_LABEL", result.refusedCode());
            assertNotNull(result.timedOut(), "the step passed its deadline");
            assertEquals("analysed quickly", result.output());
            assertEquals(2, result.created().size(), "the first sandbox and the fresh one");
            assertNotEquals(result.created().get(0), result.created().get(1));

            try (SandboxManager manager = SandboxManager.builder().connectionConfig(server.connection()).build()) {
                for (UUID id : result.created()) {
                    SandboxApiException gone = assertThrows(SandboxApiException.class,
                            () -> manager.getSandboxInfo(id));
                    assertEquals(404, gone.getStatusCode(), id.toString());
                }
            }
        }
    }
}
