package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.kernels.KernelTransport;
import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.zeromq.ZContext;

/**
 * Round trip, IOPub throughput and kernel start for the same kernels on every path: the direct-ZMQ floors
 * (jupyter_client on libzmq and the Java client), Kernelgate (legacy and v1 framings) and jupyter_server (stock, and
 * with its IOPub rate limit off). Round trips of the floors and Kernelgate are measured in turns on one kernel;
 * jupyter_server's on a kernel of its own.
 */
final class KernelComparisons {
    private static final String PYTHON = "python3";
    private static final String JAVA = "java";

    private KernelComparisons() {
    }

    static void run(Bench bench, Set<String> only, Results results) {
        boolean rtt = only.contains("rtt");
        boolean iopub = only.contains("iopub");
        boolean start = only.contains("start");
        Sizes sizes = bench.sizes();
        List<IopubCase> pyCases = IopubCase.python(sizes);
        List<IopubCase> javaCases = List.of(IopubCase.java(sizes));
        Path work = bench.servers().work();

        Steps.run(bench, results, "Java floor, Kernelgate and jupyter_server", () -> {
            try (ServerProcess kg = bench.servers().kernelgate("kernelgate", Map.of());
                 ServerProcess kgJeromq = rtt ? bench.servers().kernelgate("kernelgate-jeromq",
                         Map.of(KernelTransport.VARIABLE, KernelTransport.JEROMQ.label())) : null;
                 ServerProcess js = bench.servers().jupyterServer("jupyter_server-stock", false)) {
                for (String kernel : List.of(PYTHON, JAVA)) {
                    boolean withJs = kernel.equals(PYTHON);
                    List<IopubCase> cases = withJs ? pyCases : javaCases;
                    if (rtt) {
                        roundTrips(bench, results, kernel, kg, kgJeromq, withJs ? js : null);
                    }
                    if (iopub) {
                        iopubInTurns(bench, results, kernel, kg, cases, withJs);
                        if (withJs) {
                            results.iopub.addAll(IopubThroughput.overWebSocket(bench, js, kernel, false,
                                    Paths.JS_STOCK, cases, ""));
                        }
                    }
                    if (start) {
                        results.starts.add(KernelProcessStart.cold(bench, kg, kernel, work,
                                "kernel process alone, spawn → kernel_info_reply (" + kernel + ")"));
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
            Steps.run(bench, results, "Kernelgate, prespawned kernels", () -> {
                for (String kernel : List.of(PYTHON, JAVA)) {
                    try (ServerProcess pooled = bench.servers().kernelgate("kernelgate-prespawn-" + kernel,
                            prespawnSettings(kernel))) {
                        results.starts.add(KernelStart.prespawned(bench, pooled, kernel,
                                "Kernelgate, prespawned (" + kernel + ")"));
                    }
                }
            });
        }
        if (iopub) {
            FloodComparison.run(bench, results);
            Steps.run(bench, results, "jupyter_server, rate limit off", () -> {
                try (ServerProcess js = bench.servers().jupyterServer("jupyter_server-no-limit", true)) {
                    results.iopub.addAll(IopubThroughput.overWebSocket(bench, js, PYTHON, false, Paths.JS_NO_LIMIT,
                            pyCases, ""));
                }
            });
        }
    }

    /**
     * jupyter_client, the Java floor and Kernelgate legacy and v1 on one kernel that Kernelgate started (the floors
     * read its connection file), in the same turns as Kernelgate v1 on the jeromq transport (a second server, its own
     * kernel); then jupyter_server (when given) on a kernel of its own. The server CPU of a turn is that of the
     * server the path talks to (for the floor: the zmtp server, which watches the floor's kernel).
     */
    private static void roundTrips(Bench bench, Results results, String kernel, ServerProcess kg,
                                   ServerProcess kgJeromq, ServerProcess js) throws Exception {
        Sizes sizes = bench.sizes();
        String id = bench.rest().startKernel(kg, kernel);
        String jeromqId = bench.rest().startKernel(kgJeromq, kernel);
        // The floors keep one ZMQ context each, as the gateway does, and open fresh sockets each turn.
        // The Java clients, and python3-websocket as a new user would try the gateway, in the same turns.
        Path connectionFile = bench.servers().kernelgateRuntimeDir().resolve("kernel-" + id + ".json");
        try (ZContext floorContext = new ZContext(1);
             PythonClient jupyterClient = PythonClient.jupyterClient(bench.servers().repo(), bench.servers().work());
             PythonClient python = PythonClient.webSocket(bench.servers().repo(), bench.servers().work())) {
            ConnectionInfo info = ConnectionFile.read(connectionFile);
            RoundTrip.inTurns(RoundTrip.CODE, List.of(Paths.PYTHON_FLOOR, Paths.JAVA_FLOOR, Paths.KG_LEGACY,
                            Paths.KG_V1, Paths.KG_LEGACY_PY, Paths.KG_V1_PY, Paths.KG_V1_JEROMQ,
                            Paths.KG_V1_PY_JEROMQ), List.of(
                            () -> jupyterClient.open(connectionFile),
                            () -> new DirectZmqSession(info, floorContext),
                            () -> WsSession.open(bench.group(), kg, id, false),
                            () -> WsSession.open(bench.group(), kg, id, true),
                            () -> python.open(kg, id, false),
                            () -> python.open(kg, id, true),
                            () -> WsSession.open(bench.group(), kgJeromq, jeromqId, true),
                            () -> python.open(kgJeromq, jeromqId, true)),
                    sizes.rttWarmup(), sizes.rttSamples(), sizes.rttTurn(),
                    serverCpu(kg, kgJeromq))
                    .forEach(d -> results.roundTrip(kernel, d));
            results.watching.put(kernel, WatchingCost.measure(bench, kg, id, connectionFile, jupyterClient,
                    sizes.smoke() ? 1 : 20, sizes.rttSamples(), sizes.rttTurn()));
        } finally {
            bench.rest().deleteKernel(kg, id);
            bench.rest().deleteKernel(kgJeromq, jeromqId);
        }
        if (js != null) {
            String jsId = bench.rest().startKernel(js, kernel);
            try {
                RoundTrip.inTurns(RoundTrip.CODE, List.of(Paths.JS_STOCK),
                        List.of(() -> WsSession.open(bench.group(), js, jsId, false)), sizes.rttWarmup() / 10,
                        sizes.rttSamples(), sizes.rttTurn(), js::ownCpu)
                        .forEach(d -> results.roundTrip(kernel, d));
            } finally {
                bench.rest().deleteKernel(js, jsId);
            }
        }
    }

    /**
     * jupyter_client (when {@code withJupyterClient}), the Java floor and Kernelgate v1 in turns on each case, each
     * on a kernel of its own: a client on the kernel Kernelgate started would share its IOPub with the gateway.
     */
    private static void iopubInTurns(Bench bench, Results results, String kernel, ServerProcess kg,
                                     List<IopubCase> cases, boolean withJupyterClient) throws Exception {
        try (JavaFloor floor = JavaFloor.start(bench.servers().work(), kernel);
             PythonClient jupyterClient = withJupyterClient
                     ? PythonClient.jupyterClient(bench.servers().repo(), bench.servers().work()) : null) {
            String id = bench.rest().startKernel(kg, kernel);
            KernelSession libzmq = null;
            try (WsSession ws = WsSession.open(bench.group(), kg, id, true)) {
                List<IopubTurns.Path> paths = new ArrayList<>();
                if (jupyterClient != null) {
                    PythonClient.OwnKernel own = jupyterClient.startKernel(kernel);
                    libzmq = jupyterClient.open(own.connectionFile());
                    paths.add(new IopubTurns.Path(Paths.PYTHON_FLOOR, libzmq, new IopubThroughput.CpuSources(
                            () -> ProcFs.cpuNanos(own.pid()), () -> 0)));
                }
                paths.add(new IopubTurns.Path(Paths.JAVA_FLOOR, floor.session(), floor.cpu()));
                paths.add(new IopubTurns.Path(Paths.KG_V1, ws, kg.cpu()));
                for (IopubCase c : cases) {
                    results.iopub.addAll(IopubTurns.run(kernel, paths, c, c));
                }
            } finally {
                if (libzmq != null) {
                    libzmq.close();
                }
                bench.rest().deleteKernel(kg, id);
            }
        }
    }

    /** The CPU source of each round-trip path, in the order {@link #roundTrips} lists them. */
    private static List<Supplier<ProcFs.Cpu>> serverCpu(ServerProcess kg, ServerProcess kgJeromq) {
        Supplier<ProcFs.Cpu> zmtp = kg::ownCpu;
        Supplier<ProcFs.Cpu> jeromq = kgJeromq::ownCpu;
        return List.of(zmtp, zmtp, zmtp, zmtp, zmtp, zmtp, jeromq, jeromq);
    }

    private static Map<String, String> prespawnSettings(String kernel) {
        return Map.of("KG_PRESPAWN_COUNT", "1", "KG_DEFAULT_KERNEL_NAME", kernel);
    }
}
