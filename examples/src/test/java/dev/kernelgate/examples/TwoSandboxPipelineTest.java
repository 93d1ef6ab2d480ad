package dev.kernelgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TwoSandboxPipelineTest {
    @TempDir
    Path state;

    @Test
    @Timeout(120)
    void theSecondSandboxAnalysesWhatTheFirstCleaned() throws Exception {
        TwoSandboxPipeline.Result result;
        try (LocalServer server = LocalServer.start(state)) {
            result = TwoSandboxPipeline.run(server.connection(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        }
        assertEquals("region,amount\nnorth,10\nsouth,5\nnorth,7\neast,4.5\n", result.cleaned());
        assertEquals(result.cleaned(), result.received());
        JsonNode analysis = result.analysis();
        assertEquals(4, analysis.path("rows").asInt());
        assertEquals(17.0, analysis.path("total_by_region").path("north").asDouble());
        assertEquals(5.0, analysis.path("total_by_region").path("south").asDouble());
        assertEquals(4.5, analysis.path("total_by_region").path("east").asDouble());
        assertEquals("north", analysis.path("top_region").asText());
    }
}
