package dev.kernelgate.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Smoke mode: every micro-benchmark runs once, briefly and in-process, so the harness cannot rot. */
class WireBenchmarksSmokeTest {
    @Test
    void everyBenchmarkRunsAndMeasuresSomething() throws Exception {
        Options options = new OptionsBuilder()
                .include(WireBenchmarks.class.getName())
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertEquals(9, results.size());
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && score < 1_000_000, r.getParams().getBenchmark() + " scored " + score + " ns");
        }
    }
}
