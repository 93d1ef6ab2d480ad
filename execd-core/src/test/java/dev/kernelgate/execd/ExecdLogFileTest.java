package dev.kernelgate.execd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ExecdLogFileTest {
    // WARN passes this module's test configuration (root WARN), so no level needs changing here.
    private static final Logger log = LoggerFactory.getLogger("execd-log-file-test");

    @TempDir
    Path tmp;

    @Test
    void everyEventIsOneLineExceptionsIncluded() throws IOException {
        Path file = tmp.resolve("var/log/execd/execd.log");
        try (ExecdLogFile ignored = ExecdLogFile.open(file)) {
            log.warn("first line\nsecond line\r\nthird line");
            log.warn("failed", new IllegalStateException("boom", new IOException("disk")));
            log.warn("plain");
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN .*"
                + "execd-log-file-test - first line \\| second line \\| third line"), lines.get(0));
        assertTrue(lines.get(1).contains("failed | java.lang.IllegalStateException: boom | at "), lines.get(1));
        assertTrue(lines.get(1).contains("Caused by: java.io.IOException: disk"), lines.get(1));
        assertTrue(lines.get(2).endsWith(" - plain"), lines.get(2));
    }

    @Test
    void theFileRollsBySizeKeepingTheConfiguredNumberOfBackups() throws IOException {
        Path file = tmp.resolve("execd.log");
        AtomicInteger written = new AtomicInteger();
        String padding = "x".repeat(200);
        try (ExecdLogFile ignored = ExecdLogFile.open(file, 1024, 2)) {
            // The size check runs at most every few tens of milliseconds: keep logging until two rollovers happened.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
                log.warn("event {} {}", written.incrementAndGet(), padding);
                return Files.exists(file.resolveSibling("execd.log.2"));
            });
            log.warn("after the roll");
        }
        assertTrue(Files.exists(file.resolveSibling("execd.log.1")));
        assertFalse(Files.exists(file.resolveSibling("execd.log.3")), "only two backups are kept");
        List<String> live = Files.readAllLines(file);
        assertTrue(live.get(live.size() - 1).endsWith(" - after the roll"), live.toString());
        assertTrue(Files.size(file.resolveSibling("execd.log.1")) < 64 * 1024, "rolled files stay near the limit");
        assertTrue(Files.readAllLines(file.resolveSibling("execd.log.1")).stream().allMatch(l -> l.contains(" - event ")));
    }

    @Test
    void anUnwritableLocationIsSkippedAndLoggingGoesOn() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("not-a-directory"), "");
        assertNull(ExecdLogFile.open(blocker.resolve("execd.log")));
        try (ExecdLogFile file = ExecdLogFile.open(tmp.resolve("ok.log"))) {
            assertNotNull(file);
        }
    }
}
