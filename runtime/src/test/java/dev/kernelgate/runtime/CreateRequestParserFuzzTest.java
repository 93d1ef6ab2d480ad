package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.execd.egress.EgressConfig;
import dev.kernelgate.execd.egress.EgressPolicy;
import dev.kernelgate.execd.egress.PolicyException;
import dev.kernelgate.runtime.spi.EgressSidecarEnv;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Fuzzes the sandbox create-request parser: whatever JSON body a client posts, only a {@link SandboxException}
 * with a 4xx status may escape, and an accepted spec is one the runtimes can use (its {@code networkPolicy} is one
 * the egress sidecar takes and fits in its environment: otherwise the create would fail later, with a 500). Input:
 * the request body (bodies that are not JSON are the HTTP kit's 400 and not this parser's concern). The seeds
 * (regression inputs, {@code CreateRequestParserFuzzTestInputs/parse/} under the test resources) and the dictionary
 * cover every field, {@code volumes} with their {@code host} and {@code pvc} backends, {@code networkPolicy} and
 * {@code credentialProxy} included.
 */
class CreateRequestParserFuzzTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final ObjectMapper mapper = new ObjectMapper();
    private final CreateRequestParser capped =
            new CreateRequestParser(new CreateRequestParser.Policy(60, 86_400L, new dev.kernelgate.runtime.spi.HostPathPolicy(List.of(Path.of("/data")))));
    private final CreateRequestParser uncapped =
            new CreateRequestParser(new CreateRequestParser.Policy(60, null, new dev.kernelgate.runtime.spi.HostPathPolicy(List.of(Path.of("/data")))));

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    @DictionaryEntries({"\"image\"", "\"uri\"", "\"entrypoint\"", "\"timeout\"", "\"resourceLimits\"",
        "\"env\"", "\"metadata\"", "\"platform\"", "\"secureAccess\"", "\"extensions\"", "\"networkPolicy\"",
        "\"defaultAction\"", "\"egress\"", "\"action\"", "\"target\"", "\"allow\"", "\"deny\"",
        "\"credentialProxy\"", "\"enabled\"", "\"volumes\"", "\"name\"", "\"mountPath\"", "\"readOnly\"",
        "\"subPath\"", "\"host\"", "\"path\"", "\"pvc\"", "\"claimName\"", "\"createIfNotExists\"",
        "\"deleteOnSandboxTermination\"", "\"ossfs\"", "*.", "/32", "::/0", "10.0.0.0/8", "..", "true", "null"})
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
        if (spec.networkPolicy() != null) {
            sidecarTakes(spec.networkPolicy());
        }
    }

    /** The policy as the runtimes hand it to the egress sidecar, which must start with it. */
    private static void sidecarTakes(SandboxSpec.NetworkPolicy policy) {
        String rules = EgressSidecarEnv.of(policy, EgressConfig.MODE_DNS, "token", null, false)
                .get(EgressConfig.RULES_ENV);
        // One environment string of a process: Linux refuses (E2BIG) one longer than 128 KiB.
        assertTrue(rules.length() + EgressConfig.RULES_ENV.length() + 2 <= 128 * 1024, "rules of " + rules.length());
        try {
            EgressPolicy taken = EgressPolicy.parse(new ObjectMapper().readTree(rules));
            assertEquals(policy.defaultAction(), taken.defaultAction());
        } catch (PolicyException | IOException e) {
            throw new AssertionError("the sidecar refuses an accepted networkPolicy: " + e.getMessage(), e);
        }
    }
}
