package dev.kernelgate.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fuzzes the TOML config loader: whatever the file holds, only a {@link ConfigException} naming the file may
 * escape, and an accepted config has values the server can start with. Input: the file's bytes. Regression
 * inputs: {@code ServerConfigLoaderFuzzTestInputs/parse/} under the test resources.
 */
class ServerConfigLoaderFuzzTest {
    private static final Path FILE = Path.of("fuzz.toml");

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    void parse(byte[] input) {
        ServerConfig config;
        try {
            config = ServerConfigLoader.parse(FILE, new String(input, StandardCharsets.UTF_8));
        } catch (ConfigException expected) {
            assertEquals(FILE, expected.file());
            assertTrue(expected.line() >= 0);
            return;
        }
        assertNotNull(config.server());
        int port = config.server().port();
        assertTrue(port >= 0 && port <= 65535, "port " + port);
        assertTrue(config.server().minSandboxTimeoutSeconds() >= 1);
        assertNotNull(config.runtime().type());
    }
}
