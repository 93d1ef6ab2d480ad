package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Fuzzes the sandbox create-request parser: whatever JSON body a client posts, only a {@link SandboxException}
 * with a 4xx status may escape, and an accepted spec is one the runtimes can use. Input: the request body (bodies
 * that are not JSON are the HTTP kit's 400 and not this parser's concern). Regression inputs: {@code
 * CreateRequestParserFuzzTestInputs/parse/} under the test resources.
 */
class CreateRequestParserFuzzTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final ObjectMapper mapper = new ObjectMapper();
    private final CreateRequestParser capped =
            new CreateRequestParser(new CreateRequestParser.Policy(60, 86_400L, new dev.kernelgate.runtime.spi.HostPathPolicy(List.of(Path.of("/data")))));
    private final CreateRequestParser uncapped =
            new CreateRequestParser(new CreateRequestParser.Policy(60, null, new dev.kernelgate.runtime.spi.HostPathPolicy(List.of(Path.of("/data")))));

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    void parse(byte[] input) {
        JsonNode body;
        try {
            body = mapper.readTree(input);
        } catch (IOException notJson) {
            return; // the HTTP kit answers 400 before the parser sees it
        }
        check(capped, body);
        check(uncapped, body);
    }

    private static void check(CreateRequestParser parser, JsonNode body) {
        SandboxSpec spec;
        try {
            spec = parser.parse(body, "fuzz-id", NOW);
        } catch (SandboxException expected) {
            assertTrue(expected.status() >= 400 && expected.status() < 500, expected.status() + " " + expected);
            assertFalse(expected.getMessage().isBlank());
            return;
        }
        assertEquals("fuzz-id", spec.id());
        assertFalse(spec.entrypoint().isEmpty());
        assertTrue(spec.expiresAt() == null || spec.expiresAt().isAfter(NOW));
    }
}
