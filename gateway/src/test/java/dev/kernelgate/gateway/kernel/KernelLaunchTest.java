package dev.kernelgate.gateway.kernel;

import static dev.kernelgate.gateway.kernel.TestKernels.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a kernelspec becomes a process: real processes, checked in /proc. */
class KernelLaunchTest {
    @TempDir
    Path dir;
    private KernelManager manager;

    @BeforeEach
    void setUp() throws Exception {
        manager = TestKernels.manager(dir);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void aKernelLeadsAProcessGroupOfItsOwn() throws Exception {
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of("python3")));
        assertEquals(kernel.pid(), TestKernels.pgid(kernel.pid()));
    }

    @Test
    void withoutSetsidKernelsRunInOurGroupAndThatIsLoggedAsAnError() {
        Path missing = dir.resolve("no-such-setsid");
        try (CapturedLogs logs = CapturedLogs.of(OwnProcessGroup.class)) {
            OwnProcessGroup group = OwnProcessGroup.find(missing);
            assertEquals(List.of("/bin/true"), group.command(List.of("/bin/true")));
            List<String> errors = logs.at(Level.ERROR);
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0).contains(missing.toString()), errors.get(0));
        }
    }
}
