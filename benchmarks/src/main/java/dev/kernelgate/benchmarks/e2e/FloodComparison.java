package dev.kernelgate.benchmarks.e2e;

import java.util.List;
import java.util.Map;

/**
 * IOPub throughput with a producer faster than the relay: the flood kernel's {@code flood N} to the Java
 * direct-ZMQ floor and to a Kernelgate v1 WebSocket client, each on a kernel of its own, in turns
 * ({@link IopubTurns}) after one smaller warm-up flood per path.
 */
final class FloodComparison {

    private FloodComparison() {
    }

    static void run(Bench bench, Results results) {
        Steps.run(bench, results, "flood kernel: direct ZMQ and Kernelgate", () -> {
            Map<String, String> env = FloodKernelSpec.install(bench.servers().work().resolve("flood-kernelspec"));
            IopubCase measured = IopubCase.flood(bench.sizes().floodMessages());
            IopubCase warmup = IopubCase.flood(Math.max(1, bench.sizes().floodMessages() / 4));
            try (ServerProcess kg = bench.servers().kernelgate("kernelgate-flood", env);
                 JavaFloor floor = JavaFloor.start(bench.servers().work(), FloodKernelSpec.NAME, env)) {
                String id = bench.rest().startKernel(kg, FloodKernelSpec.NAME);
                try (WsSession ws = WsSession.open(bench.group(), kg, id, true)) {
                    results.iopub.addAll(IopubTurns.run(FloodKernelSpec.NAME, List.of(
                            new IopubTurns.Path(Paths.JAVA_FLOOR, floor.session(), floor.cpu()),
                            new IopubTurns.Path(Paths.KG_V1, ws, kg.cpu())), warmup, measured));
                } finally {
                    bench.rest().deleteKernel(kg, id);
                }
            }
        });
    }
}
