package dev.kernelgate.kernels;

import static dev.kernelgate.kernels.TestKernels.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.kernelgate.wire.ConnectionFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    void aKernelWhosePortsDoNotListenIsReportedWhileTheStartWaits() throws Exception {
        try (KernelManager patient = TestKernels.manager(dir, c -> c.withKernelInfoTimeout(Duration.ofSeconds(8)));
             CapturedLogs logs = CapturedLogs.of(Kernel.class)) {
            CompletableFuture<Kernel> starting = patient.startAndWait(KernelStartRequest.of("sleeper"));
            await().atMost(Duration.ofSeconds(8)).until(() -> logs.at(Level.WARN).stream()
                    .anyMatch(m -> m.contains("do not all listen") && m.contains("is alive, state S")));
            assertThrows(ExecutionException.class, () -> await(starting)); // then the start times out as before
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

    @Test
    void argvPlaceholdersSpecEnvAndWorkingDirectoryReachTheKernelProcess() throws Exception {
        TestKernels.writeSpec(dir, "probe", """
                {"argv": ["/bin/sh", "{resource_dir}/launch.sh", "{connection_file}", "{resource_dir}"],
                 "env": {"SUBSTITUTED": "${KG_BASE}/lib:$KG_BASE", "UNKNOWN": "${KG_NOT_SET}/x:$KG_NOT_SET_EITHER"},
                 "display_name": "Probe", "language": "python"}""");
        Path resourceDir = dir.resolve("kernels").resolve("probe");
        Path record = dir.resolve("launch-record.txt");
        Files.writeString(resourceDir.resolve("launch.sh"), """
                printf '%s\\n' "$1" "$2" "$SUBSTITUTED" "$UNKNOWN" > "$KG_RECORD"
                exec /usr/bin/python3 -m ipykernel_launcher -f "$1"
                """);
        Path work = Files.createDirectories(dir.resolve("work"));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KG_BASE", "/opt/kg-base");
        env.put("KG_RECORD", record.toString());
        env.remove("KG_NOT_SET");
        env.remove("KG_NOT_SET_EITHER");

        Kernel kernel = await(manager.startAndWait(new KernelStartRequest("probe", env, work, null)));

        assertEquals(List.of(kernel.connectionFile().toAbsolutePath().toString(), resourceDir.toString(),
                "/opt/kg-base/lib:/opt/kg-base", "${KG_NOT_SET}/x:$KG_NOT_SET_EITHER"), Files.readAllLines(record));
        Path kernelCwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(kernel.pid()), "cwd"));
        assertEquals(work.toRealPath(), kernelCwd);
    }

    @Test
    void eachKernelGetsAFreshKey() throws Exception {
        Kernel first = await(manager.start(KernelStartRequest.of("sleeper")));
        Kernel second = await(manager.start(KernelStartRequest.of("sleeper")));
        String key = first.connectionInfo().key();
        assertFalse(key.isEmpty());
        assertFalse(second.connectionInfo().key().isEmpty());
        assertNotEquals(key, second.connectionInfo().key());
        assertEquals(key, ConnectionFile.read(first.connectionFile()).key());
    }

    @Test
    void missingExecutableNamesTheSpecAndThePathAndLeavesNoProcess() throws Exception {
        TestKernels.writeSpec(dir, "phantom", """
                {"argv": ["/opt/nowhere/bin/ghost-kernel", "-f", "{connection_file}"],
                 "display_name": "Phantom", "language": "ghost"}""");
        String message = failsWithoutAProcess(KernelStartRequest.of("phantom"));
        assertTrue(message.contains("kernelspec 'phantom'"), message);
        assertTrue(message.contains("'/opt/nowhere/bin/ghost-kernel' does not exist"), message);
    }

    @Test
    void executableMissingFromPathNamesTheSpecTheNameAndThePath() throws Exception {
        TestKernels.writeSpec(dir, "wraith", """
                {"argv": ["ghost-kernel-nowhere", "-f", "{connection_file}"],
                 "display_name": "Wraith", "language": "ghost"}""");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String message = failsWithoutAProcess(new KernelStartRequest("wraith", Map.of("PATH", bin.toString()), null,
                null));
        assertTrue(message.contains("kernelspec 'wraith'"), message);
        assertTrue(message.contains("'ghost-kernel-nowhere' was not found on PATH (" + bin + ")"), message);
    }

    private String failsWithoutAProcess(KernelStartRequest request) throws Exception {
        Set<Long> childrenBefore = TestKernels.children();
        KernelStartException cause = assertInstanceOf(KernelStartException.class,
                assertThrows(ExecutionException.class, () -> await(manager.startAndWait(request))).getCause());
        assertEquals(KernelStartException.Reason.EXECUTABLE_NOT_FOUND, cause.reason());
        assertTrue(manager.list().isEmpty());
        assertEquals(childrenBefore, TestKernels.children(), "no child process (nor zombie) left");
        assertEquals(List.of(), TestKernels.runtimeFiles(dir), "no connection file left");
        return cause.getMessage();
    }

    @Test
    void unknownSpecIsAClearError() {
        KernelStartException unknown = assertInstanceOf(KernelStartException.class, assertThrows(
                ExecutionException.class, () -> await(manager.start(KernelStartRequest.of("nope")))).getCause());
        assertEquals(KernelStartException.Reason.NO_SUCH_SPEC, unknown.reason());
        assertTrue(unknown.getMessage().contains("nope"), unknown.getMessage());
    }

    @Test
    void dropInWithoutConnectionFileIsListedButStartingItNamesTheFileAndTheFix() throws Exception {
        Path dropIn = dir.resolve("drop-ins").resolve("rkernel.json");
        Files.writeString(dropIn, """
                {"argv":["R","--slave","-e","IRkernel::main()"],"display_name":"R","language":"R"}""");
        assertTrue(manager.catalog().all().stream().anyMatch(s -> s.name().equals("rkernel")));

        KernelStartException notLaunchable = assertInstanceOf(KernelStartException.class, assertThrows(
                ExecutionException.class, () -> await(manager.start(KernelStartRequest.of("rkernel")))).getCause());

        assertEquals(KernelStartException.Reason.NOT_LAUNCHABLE, notLaunchable.reason());
        assertTrue(notLaunchable.getMessage().contains(dropIn.toString()), notLaunchable.getMessage());
        assertTrue(notLaunchable.getMessage().contains("\"--args\", \"{connection_file}\""),
                notLaunchable.getMessage());
        assertTrue(manager.list().isEmpty());
    }
}
