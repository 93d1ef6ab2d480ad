package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ways {@code kernelgate gateway} refuses to start, by exit code and message. */
class GatewayCommandTest {
    @TempDir
    Path tmp;

    private int run(Map<String, String> env, ByteArrayOutputStream err) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return Main.commandLine(new HostEnvironment(env, tmp.resolve("home"), List.of())).execute("gateway");
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void theNotebookHttpPersonalityNeedsANotebookWithEndpoints() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(Map.of("KG_API", "notebook-http"), err));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("seed_uri"), err.toString(StandardCharsets.UTF_8));

        Path plain = Files.writeString(tmp.resolve("plain.ipynb"), "{\"cells\": [{\"cell_type\": \"code\", "
                + "\"source\": \"x = 1\", \"metadata\": {}, \"outputs\": []}], \"metadata\": {}, \"nbformat\": 4, "
                + "\"nbformat_minor\": 5}");
        err.reset();
        assertEquals(1, run(Map.of("KG_API", "notebook-http", "KG_SEED_URI", plain.toString(), "KG_PORT", "0"), err));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("No endpoints"), err.toString(StandardCharsets.UTF_8));
    }
}
