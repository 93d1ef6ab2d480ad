package dev.kernelgate.benchmarks.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end harness at smoke sizes, against real kernels, ./kernelgate and Debian's jupyter_server, so it
 * cannot rot: every scenario runs, none fails, nothing is lost, and the report and its charts are written.
 */
class BenchmarkRunSmokeTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path out;

    @Test
    void everyScenarioRunsAndTheReportIsWritten() throws Exception {
        Path repo = Servers.findRepo();
        BenchmarkRun.Output output = BenchmarkRun.run(repo,
                BenchmarkRun.Options.parse(new String[] {"--smoke", "--out", out.toString()}, repo), System.err);
        Results results = output.results();
        assertEquals(List.of(), results.failures, "scenarios that failed");
        assertEquals(0, results.lostOrMisrouted(), "lost or misrouted messages");

        // Every path of the round-trip comparison measured each kernel.
        List<String> python = results.roundTrips.get("python3").stream().map(Distribution::label).toList();
        assertEquals(List.of(Paths.PYTHON_FLOOR, Paths.JAVA_FLOOR, Paths.KG_LEGACY, Paths.KG_V1, Paths.KG_LEGACY_PY,
                        Paths.KG_V1_PY, Paths.KG_V1_JEROMQ, Paths.KG_V1_PY_JEROMQ, Paths.JS_STOCK),
                python);
        assertEquals(List.of(Paths.PYTHON_FLOOR, Paths.JAVA_FLOOR, Paths.KG_LEGACY, Paths.KG_V1, Paths.KG_LEGACY_PY,
                        Paths.KG_V1_PY, Paths.KG_V1_JEROMQ, Paths.KG_V1_PY_JEROMQ),
                results.roundTrips.get("java").stream().map(Distribution::label).toList());
        results.roundTrips.values().stream().flatMap(List::stream).forEach(d -> {
            assertEquals(Sizes.smokeRun().rttSamples(), d.count(), d.label());
            assertTrue(d.median() > 0, d.label());
        });
        // Only watching: Kernelgate and the two libzmq watchers received the same messages (busy, execute_input,
        // execute_result, idle per 1+1) and spent something on them.
        assertEquals(List.of("python3", "java"), List.copyOf(results.watching.keySet()));
        results.watching.forEach((kernel, rows) -> {
            assertEquals(List.of(WatchingCost.KERNELGATE, WatchingCost.SESSION, WatchingCost.RAW),
                    rows.stream().map(WatchingCost.Row::watcher).toList(), kernel);
            rows.forEach(r -> {
                assertTrue(r.messagesPerRequest() >= 3, kernel + " " + r);
                assertTrue(r.cpuMicrosPerRequest() > 0, kernel + " " + r);
            });
        });
        // IOPub: 3 ipykernel cases on 5 paths, the Java kernel case on 2, the flood kernel on 2; every count
        // complete but where jupyter_server's stock rate limit may drop (it does not at smoke sizes).
        assertEquals(3 * 5 + 2 + 2, results.iopub.size());
        assertEquals(List.of(Paths.JAVA_FLOOR, Paths.KG_V1), results.iopub.stream()
                .filter(r -> r.kernel().equals(FloodKernelSpec.NAME)).map(IopubThroughput.Row::path).toList());
        results.iopub.forEach(row -> assertTrue(row.complete(), row.path() + " " + row.testCase().name()
                + " received " + row.received()));
        // Per kernel: the kernel process alone and Kernelgate cold (plus jupyter_server for python3); then
        // Kernelgate prespawned for both kernels.
        assertEquals(7, results.starts.size());
        assertEquals(2, results.starts.stream().filter(d -> d.label().startsWith("kernel process alone")).count());
        results.starts.forEach(d -> assertTrue(d.median() > 0, d.label()));
        assertEquals(2, results.concurrency.size());
        results.concurrency.forEach(c -> {
            assertEquals(0, c.lost() + c.misrouted(), c.server());
            assertTrue(c.rssIdle() > 0, c.server());
            assertEquals(ConcurrencyAndMemory.READINGS, c.rssWithKernels().size(), c.server());
            assertEquals(ConcurrencyAndMemory.READINGS, c.rssWithConnections().size(), c.server());
            assertTrue(ConcurrencyAndMemory.median(c.rssWithConnections()) > 0, c.server());
            assertTrue(c.rssRightAfterRequests() > 0, c.server());
        });
        assertNotNull(results.execd);
        assertEquals(3, results.execd.codeOnePlusOne().size(), "/code and the two floors beside it");
        results.execd.codeOnePlusOne().forEach(d -> assertEquals(Sizes.smokeRun().commandSamples(), d.count()));
        assertEquals(2, results.execd.spawns().size(), "the bare spawns beside /command true");
        results.execd.spawns().forEach(d -> assertEquals(Sizes.smokeRun().commandSamples(), d.count()));
        assertEquals(2, results.sandboxStarts.size());
        // upload, download, the disk reference and (where /dev/shm is) an upload into memory
        assertTrue(results.execd.transfers().size() >= 3, results.execd.transfers().toString());

        String md = Files.readString(output.report());
        for (String section : List.of("## 1. Execute round trip", "## 2. IOPub throughput", "## 3. Kernel start",
                "## 4. Concurrency", "## 5. execd", "## 6. Memory", "## 7. Sandbox start")) {
            assertTrue(md.contains(section), section);
        }
        assertTrue(md.contains(WatchingCost.SESSION), "the watching table");
        assertFalse(md.contains("Scenarios that failed"));
        for (String png : List.of("rtt-python3.png", "rtt-java.png", "concurrency.png")) {
            byte[] bytes = Files.readAllBytes(out.resolve("results").resolve(png));
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), png);
            assertTrue(md.contains("(results/" + png + ")"), png + " is linked");
        }
    }

    @Test
    void badArgumentsAreRefusedWithUsage() {
        Path repo = Servers.findRepo();
        var e = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkRun.Options.parse(new String[] {"--only", "rtt,nope"}, repo));
        assertTrue(e.getMessage().contains("rtt"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchmarkRun.Options.parse(new String[] {"--out"}, repo));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkRun.Options.parse(new String[] {"-x"}, repo));
        assertThrows(IllegalArgumentException.class,
                () -> BenchmarkRun.Options.parse(new String[] {"--soak-seconds", "0"}, repo));
        assertEquals(90, BenchmarkRun.Options.parse(new String[] {"--only", "soak", "--soak-seconds", "90"}, repo)
                .soakSeconds());
        // The soak runs only when asked for: a plain run stays a few minutes long.
        assertFalse(BenchmarkRun.Options.parse(new String[0], repo).only().contains("soak"));
    }

    @Test
    void fuzzRunsOnlyWhenNamedAndAloneLeavesResultsAlone() {
        Path repo = Servers.findRepo();
        BenchmarkRun.Options defaults = BenchmarkRun.Options.parse(new String[0], repo);
        assertFalse(defaults.only().contains("fuzz"));
        assertTrue(defaults.endToEnd());
        BenchmarkRun.Options fuzz = BenchmarkRun.Options.parse(new String[] {"--only", "fuzz"}, repo);
        assertEquals(Set.of("fuzz"), fuzz.only());
        assertFalse(fuzz.endToEnd());
        assertTrue(BenchmarkRun.Options.parse(new String[] {"--only", "rtt,fuzz"}, repo).endToEnd());
    }

    @Test
    void percentilesAreNearestRank() {
        Distribution d = Distribution.of("d", List.of(5.0, 1.0, 4.0, 2.0, 3.0));
        assertEquals(3.0, d.median());
        assertEquals(5.0, d.percentile(99));
        assertEquals(1.0, d.percentile(0));
        assertEquals(3.0, d.mean());
    }
}
