package dev.kernelgate.benchmarks.e2e;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * IOPub paths taking turns on one case, each on a kernel of its own: one warm-up run per path (both JVMs compile
 * their hot loops), then {@link #ROUNDS} rounds in which every path runs once; each path's row is its median run, or
 * its first incomplete one. A single run per path says more about the machine's other work at that moment than
 * about the path.
 */
final class IopubTurns {
    static final int ROUNDS = 5;

    /** A measured path: its label, its client session and where its kernel's and server's CPU are read. */
    record Path(String label, KernelSession session, IopubThroughput.CpuSources cpu) {
    }

    private IopubTurns() {
    }

    static List<IopubThroughput.Row> run(String kernel, List<Path> paths, IopubCase warmup, IopubCase measured) {
        List<List<IopubThroughput.Row>> byPath = new ArrayList<>();
        for (Path path : paths) {
            IopubThroughput.measure(kernel, path.label(), path.session(), warmup, path.cpu());
            byPath.add(new ArrayList<>());
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < paths.size(); i++) {
                Path path = paths.get(i);
                byPath.get(i).add(IopubThroughput.measure(kernel, path.label(), path.session(), measured, path.cpu())
                        .withNote("median of " + ROUNDS + " runs"));
            }
        }
        return byPath.stream().map(IopubTurns::median).toList();
    }

    private static IopubThroughput.Row median(List<IopubThroughput.Row> rows) {
        return rows.stream().filter(r -> !r.complete()).findFirst().orElseGet(() -> rows.stream()
                .sorted(Comparator.comparingDouble(r -> r.outcome().millis())).toList().get(rows.size() / 2));
    }
}
