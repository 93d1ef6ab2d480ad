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
import dev.kernelgate.wire.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Interrupt, restart, death and failed starts with real processes. */
class KernelLifecycleTest {
    @TempDir
    Path dir;
    private KernelManager manager;

    @BeforeEach
    void setUp() throws Exception {
        manager = TestKernels.manager(dir);
        TestKernels.writeSpec(dir, "python3-message", """
                {"argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                 "interrupt_mode": "message", "display_name": "Python 3 (message)", "language": "python"}""");
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3", "python3-message"})
    void interruptEndsAnEndlessLoopWithinTwoSeconds(String spec) throws Exception {
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of(spec)));
        KernelClient client = await(KernelClient.connect(kernel));
        TestKernels.Outputs outputs = new TestKernels.Outputs();
        Execution loop = client.execute("print('looping', flush=True)\nwhile True: pass", ExecuteOptions.defaults(),
                outputs);
        await().atMost(Duration.ofSeconds(10)).until(() -> outputs.stdout().contains("looping"));
        long start = System.nanoTime();
        await(kernel.interrupt());
        ExecuteResult result = loop.result().get(2, java.util.concurrent.TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2000, "interrupt took " + millis + " ms");
        assertEquals("error", result.status());
        assertEquals("KeyboardInterrupt", outputs.ofType("error").get(0).content().path("ename").asText());
        // With stop_on_error, ipykernel aborts a request that arrives before its abort window closes (a race it
        // owns), so "keeps working" means: an execute succeeds soon after, not necessarily the very first one.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                await(client.execute("1+1", ExecuteOptions.defaults(), ExecutionListener.ignoring()).result()).ok());
    }

    @Test
    void messageModeInterruptsOnControlAndSignalModeWithSigint() throws Exception {
        TestKernels.writeSpec(dir, "by-message", recordingSpec(dir.resolve("by-message.log"), "message"));
        TestKernels.writeSpec(dir, "by-signal", recordingSpec(dir.resolve("by-signal.log"), "signal"));
        Kernel byMessage = await(manager.startAndWait(KernelStartRequest.of("by-message")));
        Kernel bySignal = await(manager.startAndWait(KernelStartRequest.of("by-signal")));

        await(byMessage.interrupt()); // completes on the interrupt_reply
        await(bySignal.interrupt());

        await().atMost(Duration.ofSeconds(5))
                .until(() -> Files.readAllLines(dir.resolve("by-signal.log")).contains("signal SIGINT"));
        List<String> messageLog = Files.readAllLines(dir.resolve("by-message.log"));
        assertTrue(messageLog.contains("control interrupt_request"), messageLog.toString());
        assertFalse(messageLog.contains("signal SIGINT"), messageLog.toString());
        assertFalse(Files.readAllLines(dir.resolve("by-signal.log")).stream().anyMatch(l -> l.contains("interrupt_")));
    }

    /** A spec for recording_kernel.py, which logs each request and signal it gets to {@code record}. */
    private static String recordingSpec(Path record, String interruptMode) throws Exception {
        return """
                {"argv": ["/usr/bin/python3", "%s", "{connection_file}", "%s"], "interrupt_mode": "%s",
                 "display_name": "Recorder", "language": "fake"}""".formatted(
                TestKernels.fakeKernel("recording_kernel.py"), record, interruptMode);
    }

    @Test
    void anExecuteThatTimesOutFailsAtItsDeadlineAndTheKernelAnswersAfterAnInterrupt() throws Exception {
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of("python3")));
        KernelClient client = await(KernelClient.connect(kernel));
        int timersBefore = await(kernel.reactor().timerCount());
        long start = System.nanoTime();
        Execution slow = client.execute("import time\ntime.sleep(5)",
                ExecuteOptions.defaults().withTimeout(Duration.ofMillis(300)), ExecutionListener.ignoring());

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> slow.result().get(3, java.util.concurrent.TimeUnit.SECONDS));

        long millis = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(millis < 1500, "timed out after " + millis + " ms");
        assertTrue(await(kernel.reactor().timerCount()) <= timersBefore, "the request left a timer behind");
        await(kernel.interrupt());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                await(client.execute("1+1", ExecuteOptions.defaults(), ExecutionListener.ignoring()).result()).ok());
    }

    @Test
    void anAnsweredRequestLeavesNoTimerBehind() throws Exception {
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of("python3")));
        KernelClient client = await(KernelClient.connect(kernel));
        await(client.execute("1+1", ExecuteOptions.defaults(), ExecutionListener.ignoring()).result());
        int before = await(kernel.reactor().timerCount());
        for (int i = 0; i < 20; i++) {
            assertTrue(await(client.execute("1+1", ExecuteOptions.defaults(), ExecutionListener.ignoring()).result())
                    .ok());
        }
        // Each execute's 10-minute deadline held its request, listener and reply until it fired.
        assertTrue(await(kernel.reactor().timerCount()) < before + 5, "timers pile up with answered requests");
    }

    @Test
    void restartKeepsIdPortsAndKeyAndAnswersAfterwards() throws Exception {
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of("python3")));
        var before = kernel.connectionInfo();
        long pidBefore = kernel.pid();
        KernelClient client = await(KernelClient.connect(kernel));
        await(client.execute("x = 41", ExecuteOptions.defaults(), ExecutionListener.ignoring()).result());

        await(kernel.restart());

        assertEquals(before, kernel.connectionInfo());
        assertNotEquals(pidBefore, kernel.pid());
        assertEquals(Kernel.State.RUNNING, kernel.state());
        assertTrue(manager.get(kernel.id()).isPresent());
        KernelClient after = await(KernelClient.connect(kernel));
        TestKernels.Outputs out = new TestKernels.Outputs();
        await(after.execute("print('x' in globals())", ExecuteOptions.defaults(), out).result());
        assertEquals("False\n", out.stdout(), "a restart gives a fresh interpreter");
    }

    @Test
    void killMinus9IsAnnouncedWithinHalfASecondAndTheKernelComesBack() throws Exception {
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of("python3")));
        TestKernels.LifecycleEvents lifecycle = new TestKernels.LifecycleEvents();
        kernel.addListener(lifecycle);
        List<String> events = lifecycle.events;
        List<String> statuses = new CopyOnWriteArrayList<>();
        await(KernelConnection.open(kernel, "watcher", new KernelConnection.Listener() {
            @Override
            public void onMessage(dev.kernelgate.wire.Channel channel, dev.kernelgate.wire.WireMessage message) {
            }

            @Override
            public void onKernelStatus(String executionState) {
                statuses.add(executionState);
            }
        }));
        long pid = kernel.pid();
        long killedAt = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofMillis(500)).until(() -> events.contains("restarting"));
        long announcedMillis = (System.nanoTime() - killedAt) / 1_000_000;
        await().atMost(Duration.ofMillis(500)).until(() -> statuses.contains("restarting"));
        assertTrue(announcedMillis < 500, "announced after " + announcedMillis + " ms");

        await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("restarted"));
        assertNotEquals(pid, kernel.pid());
        KernelClient client = await(KernelClient.connect(kernel));
        TestKernels.Outputs out = new TestKernels.Outputs();
        assertTrue(await(client.execute("print(6*7)", ExecuteOptions.defaults(), out).result()).ok());
        assertEquals("42\n", out.stdout());
    }

    @Test
    void repeatedDeathsEndInDeadAfterTheRestartLimit() throws Exception {
        TestKernels.writeSpec(dir, "dies", """
                {"argv": ["/bin/sh", "-c", "exec /usr/bin/python3 -m ipykernel_launcher -f \\"$0\\"",
                          "{connection_file}"],
                 "display_name": "Dies", "language": "python"}""");
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of("dies")));
        List<String> dead = new CopyOnWriteArrayList<>();
        kernel.addListener(new Kernel.Listener() {
            @Override
            public void onDead(Kernel k, String reason) {
                dead.add(reason);
            }

            @Override
            public void onRestarted(Kernel k) {
                ProcessHandle.of(k.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        });
        ProcessHandle.of(kernel.pid()).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(60)).until(() -> !dead.isEmpty());
        assertTrue(dead.get(0).contains("restart limit"), dead.get(0));
        assertEquals("dead", kernel.executionState());
        await().atMost(Duration.ofSeconds(10)).until(() -> manager.get(kernel.id()).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(kernel.connectionFile()));
    }

    @Test
    void restartsThatNeverAnswerAreKilledCountTowardTheLimitAndEndInDead() throws Exception {
        // The first run is a kernel; every restart runs sleep, which never answers kernel_info.
        TestKernels.writeSpecChangingAfterFirstRun(dir, "relapse", "exec /usr/bin/python3 '%s' \"$0\" '%s'".formatted(
                TestKernels.fakeKernel("recording_kernel.py"), dir.resolve("relapse.log")), "exec /bin/sleep 1000");
        Set<Long> childrenBefore = TestKernels.children();
        // Each relaunch lives longer than the stable start time: only having answered may make a run stable.
        try (KernelManager impatient = TestKernels.manager(dir, c -> c.withKernelInfoTimeout(Duration.ofSeconds(2))
                .withRestartPolicy(2, Duration.ofMillis(500)))) {
            Kernel kernel = await(impatient.startAndWait(KernelStartRequest.of("relapse")));
            TestKernels.LifecycleEvents lifecycle = new TestKernels.LifecycleEvents();
            kernel.addListener(lifecycle);
            List<String> events = lifecycle.events;

            ProcessHandle.of(kernel.pid()).orElseThrow().destroyForcibly();

            await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> e.startsWith("dead")));
            assertEquals(List.of("restarting", "restarting", "restarting", "dead: restart limit (2) reached"), events);
            assertEquals(Kernel.State.DEAD, kernel.state());
            await().atMost(Duration.ofSeconds(10)).until(() -> impatient.list().isEmpty());
            assertEquals(List.of(), TestKernels.runtimeFiles(dir));
            assertEquals(childrenBefore, TestKernels.children(), "a relaunched sleep is left");
        }
    }

    @Test
    void kernelThatExitsDuringStartFailsFastWithItsExitCode() throws Exception {
        TestKernels.writeSpec(dir, "crash", """
                {"argv": ["/bin/sh", "-c", "exit 3", "{connection_file}"],
                 "display_name": "Crash", "language": "sh"}""");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(manager.startAndWait(KernelStartRequest.of("crash"))));
        assertTrue(e.getCause().getMessage().contains("code 3"), e.getCause().getMessage());
        await().atMost(Duration.ofSeconds(10)).until(() -> manager.list().isEmpty());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.current().children().noneMatch(p -> p.info().command()
                        .map(c -> c.endsWith("sh")).orElse(false)));
    }

    @Test
    void aKernelThatExitsBeforeBindingIsStartedAgainOnFreshPorts() throws Exception {
        // The first start exits at once, as a kernel whose port was taken meanwhile does; the next one works.
        Path marker = TestKernels.writeSpecChangingAfterFirstRun(dir, "flaky", "exit 1",
                "exec /usr/bin/python3 -m ipykernel_launcher -f \"$0\"");
        Kernel kernel = await(manager.start(KernelStartRequest.of("flaky")));
        var firstPorts = kernel.connectionInfo();
        await(kernel.ready());
        assertTrue(Files.exists(marker));
        assertNotEquals(firstPorts.shellPort(), kernel.connectionInfo().shellPort());
        assertEquals(kernel.connectionInfo().shellPort(),
                dev.kernelgate.wire.ConnectionFile.read(kernel.connectionFile()).shellPort());
        KernelClient client = await(KernelClient.connect(kernel));
        assertTrue(await(client.execute("1+1", ExecuteOptions.defaults(), ExecutionListener.ignoring()).result())
                .ok());
    }

    @Test
    void messageWithAWrongSignatureIsDroppedLoggedAndTheNextOneDelivered() throws Exception {
        TestKernels.writeSpec(dir, "fake", """
                {"argv": ["/usr/bin/python3", "%s", "{connection_file}"],
                 "display_name": "Fake", "language": "fake"}""".formatted(
                TestKernels.fakeKernel("bad_signature_kernel.py")));
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of("fake")));
        KernelClient client = await(KernelClient.connect(kernel));
        TestKernels.Outputs out = new TestKernels.Outputs();
        // IOPub is read once per kernel, so the kernel logs it, naming the session the message claims to answer.
        try (CapturedLogs logs = CapturedLogs.of(Kernel.class)) {
            assertTrue(await(client.execute("anything", ExecuteOptions.defaults(), out).result()).ok());
            assertEquals("genuine\n", out.stdout());
            assertFalse(out.messages.stream().map(Message::content).anyMatch(c -> c.toString().contains("forged")));
            // The forged message precedes the genuine one on the same socket, so its warning is already there.
            assertTrue(logs.at(Level.WARN).stream().anyMatch(w -> w.contains(kernel.id())
                    && w.contains("session " + client.session()) && w.contains("invalid signature")),
                    logs.at(Level.WARN).toString());
        }
    }

    @Test
    void shutdownEscalatesToSigtermThenSigkillOfTheWholeGroup() throws Exception {
        Path record = dir.resolve("stubborn.log");
        TestKernels.writeSpec(dir, "stubborn", recordingSpec(record, "signal"));
        try (KernelManager hasty = TestKernels.manager(dir, c -> c.withShutdownWait(Duration.ofSeconds(1)))) {
            Kernel kernel = await(hasty.startAndWait(KernelStartRequest.of("stubborn")));
            ProcessHandle process = ProcessHandle.of(kernel.pid()).orElseThrow();
            ProcessHandle grandchild = await().atMost(Duration.ofSeconds(10))
                    .until(() -> process.children().findFirst(), Optional::isPresent).orElseThrow();
            assertEquals(kernel.pid(), TestKernels.pgid(grandchild.pid()));
            long start = System.nanoTime();

            await(kernel.shutdown(false));

            long millis = (System.nanoTime() - start) / 1_000_000;
            // Half the wait after shutdown_request, half after SIGTERM, then SIGKILL.
            assertTrue(millis >= 1000 && millis < 4000, "shutdown took " + millis + " ms");
            assertFalse(process.isAlive());
            await().atMost(Duration.ofSeconds(5)).until(() -> !TestKernels.running(grandchild.pid()));
            assertFalse(Files.exists(kernel.connectionFile()));
            assertTrue(hasty.list().isEmpty());
            List<String> seen = Files.readAllLines(record);
            assertTrue(seen.containsAll(List.of("control shutdown_request", "signal SIGTERM")), seen.toString());
        }
    }

    @Test
    void shutdownRemovesProcessFileAndKernel() throws Exception {
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of("python3")));
        ProcessHandle process = ProcessHandle.of(kernel.pid()).orElseThrow();
        assertTrue(Files.exists(kernel.connectionFile()));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(kernel.connectionFile())));
        await(kernel.shutdown(false));
        assertFalse(process.isAlive());
        assertFalse(Files.exists(kernel.connectionFile()));
        assertTrue(manager.get(kernel.id()).isEmpty());
        assertEquals(Kernel.State.STOPPED, kernel.state());
    }
}
