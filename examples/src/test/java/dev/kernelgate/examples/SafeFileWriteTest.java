package dev.kernelgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SafeFileWriteTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aWriteUnderTheRootLandsAndTheServerRefusesOneOutsideAndOneTooLarge() throws Exception {
        Path root = Files.createDirectories(dir.resolve("allowed"));
        Path outside = dir.resolve("outside.txt");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SafeFileWrite.Result result;
        try (LocalServer server = LocalServer.start(dir.resolve("state"))) {
            result = SafeFileWrite.run(server.connection(), root.toString(), outside.toString(), 4096,
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
        }
        assertEquals("summary: 3 rows cleaned\n", result.readBack());

        SafeFileWrite.Refusal outsideRoot = result.outsideRoot();
        assertNotNull(outsideRoot, "the write outside the root was accepted");
        assertEquals(403, outsideRoot.status());
        assertEquals("RUNTIME_ERROR", outsideRoot.code());
        assertTrue(outsideRoot.message().startsWith("FS_002"), outsideRoot.message());
        assertFalse(Files.exists(outside), "the local runtime shares the host's file system: nothing was written");

        SafeFileWrite.Refusal tooLarge = result.tooLarge();
        assertNotNull(tooLarge, "the write over the limit was accepted");
        assertEquals(403, tooLarge.status());
        assertTrue(tooLarge.message().contains("exceeds the limit of 4096 bytes"), tooLarge.message());
        try (var files = Files.list(root)) {
            // The example removes its own file; the one over the limit never landed (not even a partial file).
            assertEquals(0, files.count(), "left in the root");
        }
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("refused: HTTP 403"), printed.toString());
    }
}
