package dev.kernelgate.javakernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java kernel on a current JDK (the newest of 21 or later found, Temurin 25 here), built for release 17. JShell
 * stops snippets differently there: Thread.stop throws since JDK 20, so the local engine weaves stop checks into
 * snippet classes instead; an interrupt must still end {@code while (true) {}}.
 */
class JavaKernelOnCurrentJdkTest {
    @TempDir
    Path dir;

    @Test
    void runsCellsAndStopsAnEndlessLoop() throws Exception {
        TestJdk jdk = TestJdk.atLeast(21);
        try (KernelClient kernel = KernelClient.launch(dir, jdk.java(), List.of())) {
            kernel.waitForReady();
            JsonNode language = kernel.request(Channel.SHELL, "kernel_info_request", Json.object())
                    .content().path("language_info");
            assertEquals("java", language.path("name").asText());
            assertEquals(jdk.version().toString(), language.path("version").asText(), "runs on " + jdk.home());

            assertEquals("42\n", kernel.execute("System.out.println(6*7)").stdout());
            assertEquals("2", kernel.execute("1+1").result());

            // Interrupted once the loop surely runs (its first output arrived): JShell's own stop must end it.
            assertInterrupted(kernel.interruptWhen("System.out.println(\"looping\"); while (true) {}",
                    m -> "stream".equals(m.msgType()), Duration.ofSeconds(2)));
            // Interrupted on busy, before the snippet starts.
            assertInterrupted(kernel.interruptWhen("while (true) {}", KernelClient.isStatus("busy"),
                    Duration.ofSeconds(2)));
            assertEquals("2", kernel.execute("1+1").result(), "the kernel keeps working");
        }
    }

    private static void assertInterrupted(KernelClient.Interrupted stopped) {
        JsonNode reply = stopped.execution().reply().content();
        assertEquals(SnippetEvaluator.INTERRUPTED, reply.path("ename").asText(), reply::toString);
        assertTrue(stopped.afterInterrupt().toMillis() < 2000, () -> "took " + stopped.afterInterrupt());
    }
}
