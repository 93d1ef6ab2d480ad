package dev.kernelgate.kernelspecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzzes the kernelspec parser: whatever a kernel.json holds, only an {@link InvalidKernelSpecException} may
 * escape, and an accepted spec has what a launch needs. Input: the spec's name, a newline, then the file's bytes.
 * Regression inputs: {@code KernelSpecParserFuzzTestInputs/parse/} under the test resources.
 */
class KernelSpecParserFuzzTest {
    private static final Path SPEC_FILE = Path.of("fuzz", "kernel.json");
    private final KernelSpecParser parser = new KernelSpecParser();

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    void parse(byte[] input) throws Exception {
        int newline = indexOf(input, (byte) '\n');
        String name = newline < 0 ? "fuzz" : new String(input, 0, newline, StandardCharsets.UTF_8);
        byte[] json = newline < 0 ? input : Arrays.copyOfRange(input, newline + 1, input.length);
        KernelSpec spec;
        try {
            spec = parser.parse(name, SPEC_FILE, SPEC_FILE.getParent(), json);
        } catch (InvalidKernelSpecException expected) {
            assertEquals(SPEC_FILE, expected.specFile());
            assertFalse(expected.problem().isEmpty());
            return;
        }
        assertEquals(name, spec.name());
        assertFalse(spec.argv().isEmpty());
        spec.argv().forEach(arg -> assertNotNull(arg));
        assertNotNull(spec.interruptMode());
        assertTrue(spec.metadata().isObject());
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
