package dev.kernelgate.benchmarks.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured, filled in scenario by scenario. */
final class Results {
    /** Round-trip distributions per kernel, in the order measured. */
    final Map<String, List<Distribution>> roundTrips = new LinkedHashMap<>();
    /** Only watching, per kernel: what Kernelgate and two libzmq watchers spend on the same messages. */
    final Map<String, List<WatchingCost.Row>> watching = new LinkedHashMap<>();
    final List<IopubThroughput.Row> iopub = new ArrayList<>();
    final List<Distribution> starts = new ArrayList<>();
    final List<ConcurrencyAndMemory.Result> concurrency = new ArrayList<>();
    ExecdScenario.Result execd;
    /** The soak, when it ran ({@code --only soak}). */
    Soak.Result soak;
    /** Lifecycle server: create → the sandbox's execd answers /ping, per runtime and mode. */
    final List<Distribution> sandboxStarts = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    void roundTrip(String kernel, Distribution d) {
        roundTrips.computeIfAbsent(kernel, k -> new ArrayList<>()).add(d);
    }

    /** Lost or misrouted messages anywhere in the run (every scenario must have none). */
    long lostOrMisrouted() {
        long n = 0;
        for (ConcurrencyAndMemory.Result c : concurrency) {
            if (c.server().startsWith("kernelgate")) {
                n += c.lost() + c.misrouted();
            }
        }
        for (IopubThroughput.Row row : iopub) {
            if (row.path().startsWith("Kernelgate") && !row.complete()) {
                n += Math.max(1, row.testCase().expected() - Math.max(0, row.received()));
            }
        }
        return n;
    }
}
