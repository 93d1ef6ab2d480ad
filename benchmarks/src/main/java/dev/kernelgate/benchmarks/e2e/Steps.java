package dev.kernelgate.benchmarks.e2e;

/** The scenarios of a run, one after another: a failure is reported in the results and the run goes on. */
final class Steps {
    private Steps() {
    }

    static void run(Bench bench, Results results, String name, Body body) {
        bench.log("%s ...", name);
        try {
            body.run();
        } catch (Exception e) {
            bench.log("%s failed: %s", name, e);
            results.failures.add(name + ": " + e);
        }
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }
}
