package dev.kernelgate.benchmarks.e2e;

import java.util.List;

/** How much each scenario does: the full run, or the smoke run the tests use so the harness cannot rot. */
record Sizes(boolean smoke, int rttWarmup, int rttSamples, int rttTurn, int printLines, int flushedLines, int displays,
             int javaDisplays, int startSamples, int startWarmupConnections, int kernels, int clients, int requestsPerClient,
             List<Long> transferBytes, int commandWarmup, int commandSamples, int soakSeconds,
             int floodMessages) {
    static final long MIB = 1024 * 1024;

    static Sizes fullRun() {
        return new Sizes(false, 2000, 1000, 25, 100_000, 20_000, 5_000, 200_000, 7, 100, 10, 200, 5,
                List.of(MIB, 100 * MIB, 1024 * MIB), 1000, 600, 600, 300_000);
    }

    static Sizes smokeRun() {
        return new Sizes(true, 3, 10, 5, 2_000, 200, 50, 2_000, 1, 2, 2, 4, 2, List.of(MIB), 2, 5, 60, 2_000);
    }
}
