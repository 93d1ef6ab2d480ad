package dev.kernelgate.kernels;

import static dev.kernelgate.kernels.TestKernels.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 200 start / execute / shutdown cycles of ipykernel leave nothing behind. */
class KernelLeakTest {
    private static final int CYCLES = 200;
    private static final int PARALLEL = 4;
    private static final int FD_SLACK = 8;

    @TempDir
    Path dir;

    @Test
    void startAndShutdownCyclesLeakNoProcessFilePortThreadOrDescriptor() throws Exception {
        try (KernelManager manager = TestKernels.manager(dir)) {
            for (int i = 0; i < 2; i++) {
                cycle(manager);
            }
            long baselineFds = openFds();
            long baselineChildren = ProcessHandle.current().children().count();
            Set<Integer> kernelPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();

            ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
            try {
                List<CompletableFuture<Void>> runs = new ArrayList<>();
                for (int i = 0; i < CYCLES; i++) {
                    runs.add(CompletableFuture.runAsync(() -> {
                        try {
                            kernelPorts.addAll(cycle(manager));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, pool));
                }
                CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }

            assertTrue(manager.list().isEmpty());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertEquals(baselineChildren, ProcessHandle.current().children().count(), "child processes");
                assertEquals(List.of(), kernelThreads(), "reactor threads");
                try (Stream<Path> files = Files.list(dir.resolve("runtime"))) {
                    assertEquals(0, files.count(), "connection files");
                }
                assertEquals(Set.of(), listeningPortsOfThisTestsKernels(kernelPorts), "kernel ports still listening");
                long fds = openFds();
                assertTrue(fds <= baselineFds + FD_SLACK, "open fds " + fds + " vs baseline " + baselineFds);
            });
            assertEquals(CYCLES * 5, kernelPorts.size(), "every kernel got five fresh ports");
        }
    }

    /** Start, connect a client, execute, shut down; returns the kernel's ports. */
    private static List<Integer> cycle(KernelManager manager) throws Exception {
        Kernel kernel = await(manager.startAndWait(KernelStartRequest.of("python3")));
        KernelClient client = await(KernelClient.connect(kernel));
        ExecuteResult result = await(client.execute("1+1", ExecuteOptions.defaults(), ExecutionListener.ignoring())
                .result());
        assertTrue(result.ok());
        client.close();
        await(kernel.shutdown(false));
        await(kernel.terminated());
        var info = kernel.connectionInfo();
        return List.of(info.shellPort(), info.iopubPort(), info.stdinPort(), info.controlPort(), info.hbPort());
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static List<String> kernelThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("kernel-") && !n.startsWith("kernel-lifecycle-"))
                .toList();
    }

    /** Ports in LISTEN state on this machine, from /proc/net/tcp and tcp6. */
    /**
     * Which of {@code kernelPorts} a process of this test still listens on: a process started with a connection file
     * under this test's dir. (The machine may run other kernels that were given one of these port numbers since.)
     */
    private Set<Integer> listeningPortsOfThisTestsKernels(Set<Integer> kernelPorts) throws IOException {
        Map<String, Integer> portByInode = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 9 && "0A".equals(cols[3])) {
                    String local = cols[1];
                    int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
                    if (kernelPorts.contains(port)) {
                        portByInode.put("socket:[" + cols[9] + "]", port);
                    }
                }
            }
        }
        Set<Integer> leaked = new HashSet<>();
        if (portByInode.isEmpty()) {
            return leaked;
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    for (Path fd : fds.toList()) {
                        Integer port = portByInode.get(readLinkQuietly(fd));
                        if (port != null && Files.readString(proc.resolve("cmdline")).contains(dir.toString())) {
                            leaked.add(port);
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // the process is gone, or not ours to read
                }
            }
        }
        return leaked;
    }

    private static String readLinkQuietly(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
