package dev.kernelgate.benchmarks.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Round trip, IOPub throughput and kernel start for the same kernels on every path: the direct-ZMQ floors,
 * Kernelgate (legacy and v1 framings) and jupyter_server (stock, and with its IOPub rate limit off).
 */
final class KernelComparisons {
    private static final String PYTHON = "python3";
    private static final String JAVA = "java";

    private KernelComparisons() {
    }

    static void run(Bench bench, Path repo, Set<String> only, Results results) {
        boolean rtt = only.contains("rtt");
        boolean iopub = only.contains("iopub");
        boolean start = only.contains("start");
        Sizes sizes = bench.sizes();
        List<IopubCase> pyCases = IopubCase.python(sizes);
        List<IopubCase> javaCases = List.of(IopubCase.java(sizes));
        Path work = bench.servers().work();

        if (rtt || iopub) {
            BenchmarkRun.step(bench, results, "direct ZMQ, Java client, ipykernel", () -> {
                try (JavaFloor floor = JavaFloor.start(work, PYTHON)) {
                    roundTrip(bench, results, rtt, PYTHON, Paths.JAVA_FLOOR, floor.session());
                    iopub(results, iopub, PYTHON, Paths.JAVA_FLOOR, floor.session(), pyCases);
                }
            });
            BenchmarkRun.step(bench, results, "direct ZMQ, jupyter_client, ipykernel", () -> {
                PythonFloor.Result floor = PythonFloor.run(repo, work, PYTHON, rtt ? sizes.rttWarmup() : 0,
                        rtt ? sizes.rttSamples() : 0, iopub ? IopubCase.codes(pyCases) : Map.of());
                if (rtt) {
                    results.roundTrip(PYTHON, Distribution.of(Paths.PYTHON_FLOOR, floor.rttMillis()));
                }
                if (iopub) {
                    results.iopub.addAll(IopubThroughput.fromPython(PYTHON, pyCases, floor.iopub()));
                }
            });
            BenchmarkRun.step(bench, results, "direct ZMQ, Java client, Java kernel", () -> {
                try (JavaFloor floor = JavaFloor.start(work, JAVA)) {
                    roundTrip(bench, results, rtt, JAVA, Paths.JAVA_FLOOR, floor.session());
                    iopub(results, iopub, JAVA, Paths.JAVA_FLOOR, floor.session(), javaCases);
                }
            });
        }

        BenchmarkRun.step(bench, results, "Kernelgate", () -> {
            try (ServerProcess kg = bench.servers().kernelgate("kernelgate", Map.of())) {
                for (String kernel : List.of(PYTHON, JAVA)) {
                    if (rtt) {
                        results.roundTrip(kernel, RoundTrip.overWebSocket(bench, kg, kernel, false, Paths.KG_LEGACY));
                        results.roundTrip(kernel, RoundTrip.overWebSocket(bench, kg, kernel, true, Paths.KG_V1));
                    }
                    if (iopub) {
                        results.iopub.addAll(IopubThroughput.overWebSocket(bench, kg, kernel, true, Paths.KG_V1,
                                kernel.equals(PYTHON) ? pyCases : javaCases, ""));
                    }
                    if (start) {
                        results.starts.add(KernelStart.cold(bench, kg, kernel, "Kernelgate, cold (" + kernel + ")"));
                    }
                }
            }
        });
        if (start) {
            BenchmarkRun.step(bench, results, "Kernelgate, prespawned kernels", () -> {
                for (String kernel : List.of(PYTHON, JAVA)) {
                    try (ServerProcess pooled = bench.servers().kernelgate("kernelgate-prespawn-" + kernel,
                            BenchmarkRun.prespawnSettings(kernel))) {
                        results.starts.add(KernelStart.prespawned(bench, pooled, kernel,
                                "Kernelgate, prespawned (" + kernel + ")"));
                    }
                }
            });
        }
        BenchmarkRun.step(bench, results, "jupyter_server, stock", () -> {
            try (ServerProcess js = bench.servers().jupyterServer("jupyter_server-stock", false)) {
                if (rtt) {
                    results.roundTrip(PYTHON, RoundTrip.overWebSocket(bench, js, PYTHON, false, Paths.JS_STOCK));
                }
                if (iopub) {
                    results.iopub.addAll(IopubThroughput.overWebSocket(bench, js, PYTHON, false, Paths.JS_STOCK,
                            pyCases, ""));
                }
                if (start) {
                    results.starts.add(KernelStart.cold(bench, js, PYTHON, "jupyter_server 1.23.3, cold (python3)"));
                }
            }
        });
        if (iopub) {
            BenchmarkRun.step(bench, results, "jupyter_server, rate limit off", () -> {
                try (ServerProcess js = bench.servers().jupyterServer("jupyter_server-no-limit", true)) {
                    results.iopub.addAll(IopubThroughput.overWebSocket(bench, js, PYTHON, false, Paths.JS_NO_LIMIT,
                            pyCases, ""));
                }
            });
        }
    }

    private static void roundTrip(Bench bench, Results results, boolean enabled, String kernel, String path,
                                  KernelSession session) throws Exception {
        if (enabled) {
            results.roundTrip(kernel, RoundTrip.measure(path, session, bench.sizes().rttWarmup(),
                    bench.sizes().rttSamples()));
        }
    }

    private static void iopub(Results results, boolean enabled, String kernel, String path, KernelSession session,
                              List<IopubCase> cases) {
        if (enabled) {
            results.iopub.addAll(IopubThroughput.run(kernel, path, session, cases, ""));
        }
    }
}
