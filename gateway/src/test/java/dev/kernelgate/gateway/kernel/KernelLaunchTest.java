package dev.kernelgate.gateway.kernel;

import static dev.kernelgate.gateway.kernel.TestKernels.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a kernelspec becomes a process, and what is left when it cannot: real processes, checked in /proc. */
class KernelLaunchTest {
    @TempDir
    Path dir;
    private KernelManager manager;

    @BeforeEach
    void setUp() throws Exception {
        manager = TestKernels.manager(dir);
        // A kernel that never answers. Not /bin/sleep 1000 {connection_file}: sleep takes the path for a duration
        // and exits at once.
        TestKernels.writeSpec(dir, "sleeper", """
                {"argv": ["/bin/sh", "-c", "exec /bin/sleep 1000", "{connection_file}"],
                 "display_name": "Sleeper", "language": "none"}""");
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void aKernelThatNeverAnswersIsKilledAndForgottenBeforeTheCallerHearsOfIt() throws Exception {
        Set<Long> childrenBefore = TestKernels.children();
        try (KernelManager impatient =
                     TestKernels.manager(dir, c -> c.withKernelInfoTimeout(Duration.ofMillis(1500)))) {
            CompletableFuture<Kernel> starting = impatient.startAndWait(KernelStartRequest.of("sleeper"));
            await().atMost(Duration.ofSeconds(10)).until(() -> impatient.list().stream().anyMatch(k -> k.pid() > 0));
            long pid = impatient.list().iterator().next().pid();

            KernelStartException failure = assertInstanceOf(KernelStartException.class,
                    assertThrows(ExecutionException.class, () -> await(starting)).getCause());

            assertEquals(KernelStartException.Reason.TIMEOUT, failure.reason());
            assertTrue(failure.getMessage().contains("kernelspec 'sleeper'"), failure.getMessage());
            assertTrue(failure.getMessage().contains("1500 ms"), failure.getMessage());
            // Already true when the failure arrives: the process was killed and reaped, the kernel forgotten.
            assertFalse(Files.exists(Path.of("/proc", Long.toString(pid))), "kernel process " + pid + " remains");
            assertEquals(childrenBefore, TestKernels.children());
            assertTrue(impatient.list().isEmpty());
            assertEquals(List.of(), TestKernels.runtimeFiles(dir));
        }
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
