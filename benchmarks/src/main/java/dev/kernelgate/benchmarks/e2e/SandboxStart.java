package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.benchmarks.lifecycle.LocalRuntimeStartBenchmark;
import dev.kernelgate.runtime.config.LocalSettings;

/** Lifecycle server: POST /v1/sandboxes → the new sandbox's execd answers /ping through its endpoint. */
final class SandboxStart {
    private SandboxStart() {
    }

    /** The local runtime with its default warm pool, and cold (no pool: every create starts a JVM). */
    static void local(Bench bench, Results results) throws Exception {
        int warm = bench.sizes().smoke() ? 2 : 20;
        int cold = bench.sizes().smoke() ? 1 : 5;
        var options = LocalSettings.DEFAULT_JAVA_OPTIONS;
        results.sandboxStarts.add(Distribution.of("local runtime, warm pool of "
                + LocalSettings.defaults().warmPoolSize(), LocalRuntimeStartBenchmark.measure(warm,
                LocalSettings.defaults().warmPoolSize(), options)));
        results.sandboxStarts.add(Distribution.of("local runtime, cold (no pool)",
                LocalRuntimeStartBenchmark.measure(cold, 0, options)));
    }
}
