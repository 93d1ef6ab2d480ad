package dev.kernelgate.kernelspecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class BundledKernelsTest {
    @TempDir
    Path tmp;

    private final Logger logger = (Logger) LoggerFactory.getLogger(BundledKernels.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private static KernelSpec javaSpecIn(Path kernels) {
        return new KernelSpecCatalog(KernelSpecSearchPath.of(List.of(kernels), List.of())).find("java")
                .orElseThrow(() -> new AssertionError("no java kernelspec in " + kernels));
    }

    @Test
    void installsIntoTheUserCacheDir() {
        Path kernels = BundledKernels.install(Map.of(), tmp.resolve("home"));

        assertTrue(kernels.startsWith(tmp.resolve("home/.cache/kernelgate")), kernels::toString);
        assertEquals("java", javaSpecIn(kernels).language());
        assertTrue(logs.list.isEmpty(), () -> logs.list.toString());
        assertEquals(kernels.getParent(), BundledKernels.install(Map.of("XDG_CACHE_HOME", "relative/cache"),
                tmp.resolve("home")).getParent(), "a relative XDG_CACHE_HOME is ignored, as the XDG spec says");
    }

    /** Tests run as root, where permissions stop nothing: a regular file in the path makes it unwritable. */
    @Test
    void anUnwritableCacheDirFallsBackToATemporaryDirWithAWarning() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        Path cache = file.resolve("cache");

        Path kernels = BundledKernels.install(Map.of("XDG_CACHE_HOME", cache.toString()), tmp.resolve("home"));

        assertFalse(kernels.startsWith(file), kernels::toString);
        KernelSpec java = javaSpecIn(kernels);
        assertTrue(java.launchable());
        assertTrue(Files.exists(java.resourceDir().resolve("logo-64x64.png")));
        assertEquals(1, logs.list.size(), () -> logs.list.toString());
        ILoggingEvent warning = logs.list.get(0);
        assertEquals(Level.WARN, warning.getLevel());
        assertTrue(warning.getFormattedMessage().contains(cache.toString()), warning::getFormattedMessage);
        assertTrue(warning.getFormattedMessage().contains(kernels.toString()), warning::getFormattedMessage);
    }
}
