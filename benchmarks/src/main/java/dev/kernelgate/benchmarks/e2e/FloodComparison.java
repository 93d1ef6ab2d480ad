package dev.kernelgate.benchmarks.e2e;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * IOPub throughput with a producer faster than the relay: the flood kernel's {@code flood N} to the Java
 * direct-ZMQ floor and to a Kernelgate v1 WebSocket client, each on a kernel of its own. After one smaller warm-up
 * flood per path (both JVMs compile their hot loops), the two paths take turns for {@link #ROUNDS} rounds; each
 * path's row is its median round, or its first incomplete one.
 */
final class FloodComparison {
    static final int ROUNDS = 3;

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
                    results.iopub.addAll(inTurns(List.of(Paths.JAVA_FLOOR, Paths.KG_V1),
                            List.of(floor.session(), ws), warmup, measured));
                } finally {
                    bench.rest().deleteKernel(kg, id);
                }
            }
        });
    }

    private static List<IopubThroughput.Row> inTurns(List<String> paths, List<KernelSession> sessions,
                                                     IopubCase warmup, IopubCase measured) {
        List<List<IopubThroughput.Row>> byPath = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            IopubThroughput.run(FloodKernelSpec.NAME, paths.get(i), sessions.get(i), List.of(warmup), "");
            byPath.add(new ArrayList<>());
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < paths.size(); i++) {
                byPath.get(i).addAll(IopubThroughput.run(FloodKernelSpec.NAME, paths.get(i), sessions.get(i),
                        List.of(measured), "median of " + ROUNDS + " runs"));
            }
        }
        return byPath.stream().map(FloodComparison::median).toList();
    }

    private static IopubThroughput.Row median(List<IopubThroughput.Row> rows) {
        return rows.stream().filter(r -> !r.complete()).findFirst().orElseGet(() -> rows.stream()
                .sorted(Comparator.comparingDouble(r -> r.outcome().millis())).toList().get(rows.size() / 2));
    }
}
