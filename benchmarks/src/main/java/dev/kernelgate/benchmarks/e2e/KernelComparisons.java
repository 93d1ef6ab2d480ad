package dev.kernelgate.benchmarks.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Round trip, IOPub throughput and kernel start for the same kernels on every path: the direct-ZMQ floors,
 * Kernelgate (legacy and v1 framings) and jupyter_server (stock, and with its IOPub rate limit off). Round trips
 * of the Java floor, Kernelgate and jupyter_server are measured interleaved, each on its own kernel.
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
        }
        BenchmarkRun.step(bench, results, "Java floor, Kernelgate and jupyter_server", () -> {
            try (ServerProcess kg = bench.servers().kernelgate("kernelgate", Map.of());
                 ServerProcess js = bench.servers().jupyterServer("jupyter_server-stock", false)) {
                for (String kernel : List.of(PYTHON, JAVA)) {
                    boolean withJs = kernel.equals(PYTHON);
                    List<IopubCase> cases = withJs ? pyCases : javaCases;
                    if (rtt) {
                        roundTrips(bench, results, kernel, kg, withJs ? js : null);
                    }
                    if (iopub) {
                        try (JavaFloor floor = JavaFloor.start(work, kernel)) {
                            results.iopub.addAll(IopubThroughput.run(kernel, Paths.JAVA_FLOOR, floor.session(), cases,
                                    ""));
                        }
                        results.iopub.addAll(IopubThroughput.overWebSocket(bench, kg, kernel, true, Paths.KG_V1,
                                cases, ""));
                        if (withJs) {
                            results.iopub.addAll(IopubThroughput.overWebSocket(bench, js, kernel, false,
                                    Paths.JS_STOCK, cases, ""));
                        }
                    }
                    if (start) {
                        results.starts.add(KernelStart.cold(bench, kg, kernel, "Kernelgate, cold (" + kernel + ")"));
                        if (withJs) {
                            results.starts.add(KernelStart.cold(bench, js, kernel,
                                    "jupyter_server 1.23.3, cold (" + kernel + ")"));
                        }
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
        if (iopub) {
            BenchmarkRun.step(bench, results, "jupyter_server, rate limit off", () -> {
                try (ServerProcess js = bench.servers().jupyterServer("jupyter_server-no-limit", true)) {
                    results.iopub.addAll(IopubThroughput.overWebSocket(bench, js, PYTHON, false, Paths.JS_NO_LIMIT,
                            pyCases, ""));
                }
            });
        }
    }

    /** The Java floor, Kernelgate legacy and v1, and jupyter_server (when given), interleaved. */
    private static void roundTrips(Bench bench, Results results, String kernel, ServerProcess kg, ServerProcess js)
            throws Exception {
        List<String> labels = new ArrayList<>(List.of(Paths.JAVA_FLOOR, Paths.KG_LEGACY, Paths.KG_V1));
        List<String> kernels = new ArrayList<>();
        List<KernelSession> sessions = new ArrayList<>();
        try (JavaFloor floor = JavaFloor.start(bench.servers().work(), kernel)) {
            sessions.add(floor.session());
            sessions.add(openOn(bench, kg, kernel, false, kernels));
            sessions.add(openOn(bench, kg, kernel, true, kernels));
            if (js != null) {
                labels.add(Paths.JS_STOCK);
                sessions.add(openOn(bench, js, kernel, false, kernels));
            }
            RoundTrip.interleaved(RoundTrip.CODE, labels, sessions, bench.sizes().rttWarmup(), bench.sizes().rttSamples())
                    .forEach(d -> results.roundTrip(kernel, d));
        } finally {
            for (int i = 1; i < sessions.size(); i++) {
                sessions.get(i).close();
            }
            int k = 0;
            for (String id : kernels) {
                bench.rest().deleteKernel(k++ < 2 ? kg : js, id);
            }
        }
    }

    private static WsSession openOn(Bench bench, ServerProcess server, String kernel, boolean v1, List<String> ids)
            throws Exception {
        String id = bench.rest().startKernel(server, kernel);
        ids.add(id);
        return WsSession.open(bench.group(), server, id, v1);
    }
}
