package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernelgate, built for release 17, runs on a current JDK (the newest of 21 or later found, Temurin 25 here): the
 * Main class on the test class path, as the shaded jar would run it, which exists only after {@code package}.
 */
class KernelspecsOnCurrentJdkTest {
    @TempDir
    Path tmp;

    @Test
    void kernelspecsJsonListsTheJavaKernel() throws Exception {
        TestJdk jdk = TestJdk.atLeast(21);
        Path cache = tmp.resolve("cache");
        ProcessBuilder builder = new ProcessBuilder(jdk.java().toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "kernelspecs", "--json")
                .redirectOutput(tmp.resolve("stdout").toFile())
                .redirectError(tmp.resolve("stderr").toFile());
        builder.environment().put("XDG_CACHE_HOME", cache.toString()); // the bundled spec goes here, not into ~/.cache
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kernelgate kernelspecs did not finish");

        String stderr = Files.readString(tmp.resolve("stderr"));
        assertEquals(0, process.exitValue(), stderr);
        JsonNode java = new ObjectMapper().readTree(tmp.resolve("stdout").toFile()).path("kernelspecs").path("java");
        assertEquals("java", java.path("language").asText(), stderr);
        JsonNode argv = java.path("spec").path("argv");
        assertEquals(jdk.java().toString(), argv.get(0).asText(), "the bundled kernel runs on the JVM that listed it");
        // JDK 19+ only: the kernel's class-data-sharing archive, kept in the cache dir.
        assertTrue(argv.toString().contains("-XX:SharedArchiveFile=" + cache.resolve("kernelgate")), argv::toString);
    }
}
