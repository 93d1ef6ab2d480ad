package dev.kernelgate.benchmarks.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak at CI length (60 s), as {@code benchmarks/run --smoke --only soak} runs it: a real {@code ./kernelgate
 * execd} under the mixed load loses nothing, leaves no client hung, and its resident set, live heap, threads and
 * descriptors stay within the stated tolerances.
 */
class SoakSmokeTest {
    @TempDir
    Path out;

    @Test
    void sixtySecondsOfMixedLoadLoseNothingAndLeakNothing() throws Exception {
        Path repo = Servers.findRepo();
        Files.writeString(out.resolve("RESULTS.md"), "# Kernelgate benchmark results\n\n## 1. Kept\n");
        BenchmarkRun.Output output = BenchmarkRun.run(repo, BenchmarkRun.Options.parse(
                new String[] {"--smoke", "--only", "soak", "--out", out.toString()}, repo), System.err);
        Results results = output.results();
        assertEquals(java.util.List.of(), results.failures, "scenarios that failed");
        Soak.Result soak = results.soak;
        String report = Files.readString(out.resolve(SoakReport.FILE));
        assertEquals(0, soak.lost(), report);
        assertEquals(0, soak.hung(), report);
        assertEquals(0, soak.failed(), report);
        assertEquals(0, soak.misrouted(), report);
        // Every kind of operation ran, and often.
        soak.counts().forEach(c -> assertTrue(c.served() >= 10, c.op() + " served " + c.served()));
        for (Drift d : soak.drifts()) {
            assertTrue(d.samples() >= 3, d.metric() + ": " + d.samples() + " samples");
            assertTrue(d.within(), d.metric() + " grew " + d.growth() + " " + d.metric().unit + " (tolerance "
                    + d.metric().tolerance + ")\n" + report);
        }
        assertTrue(soak.passed());
        assertTrue(report.contains("## Verdict: pass"), report);
        // The other sections of RESULTS.md stay; the soak's file is linked from it.
        String resultsMd = Files.readString(out.resolve("RESULTS.md"));
        assertTrue(resultsMd.contains("## 1. Kept"), resultsMd);
        assertTrue(resultsMd.contains("[SOAK.md](SOAK.md)"), resultsMd);
    }
}
