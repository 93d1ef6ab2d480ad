package dev.kernelgate.benchmarks.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.LocalSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up benchmark runs end to end (two sandboxes, one warm child) and reports plausible times. */
class LocalRuntimeStartBenchmarkSmokeTest {
    @Test
    void measuresCreateToPingForEachSandbox() throws Exception {
        List<Double> times = LocalRuntimeStartBenchmark.measure(2, 1, LocalSettings.DEFAULT_JAVA_OPTIONS);
        assertEquals(2, times.size());
        for (double t : times) {
            assertTrue(t > 0 && t < 30_000, "create -> ping took " + t + " ms");
        }
        assertEquals(times.stream().sorted().toList().get(0), LocalRuntimeStartBenchmark.percentile(times, 0));
    }
}
