package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** IOPub throughput: time until the last message of an output-heavy execute reaches the client, and the count. */
final class IopubThroughput {
    /** Far above any complete run here (the slowest takes ~25 s on a loaded machine); a dropped idle ends it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /**
     * One measured case on one path; {@code outcome} is null when it did not finish in time. {@code cpu} is the CPU
     * time the kernel process and the server process spent during the run (null where not measured).
     */
    record Row(String kernel, IopubCase testCase, String path, Outcome outcome, String note, RunCpu cpu) {
        Row(String kernel, IopubCase testCase, String path, Outcome outcome, String note) {
            this(kernel, testCase, path, outcome, note, null);
        }

        Row withNote(String newNote) {
            return new Row(kernel, testCase, path, outcome, newNote, cpu);
        }

        long received() {
            return outcome == null ? -1 : testCase.received(outcome);
        }

        boolean finished() {
            return outcome != null && !Double.isNaN(outcome.millis());
        }

        boolean complete() {
            return finished() && received() == testCase.expected();
        }

        double perSecond() {
            return finished() ? testCase.expected() / (outcome.millis() / 1000.0) : Double.NaN;
        }
    }

    /** CPU nanoseconds of the kernel and of the server (0 for a path with no server) during one run. */
    record RunCpu(long kernelNanos, long serverNanos) {
    }

    /** Where a path's CPU is read: the kernel process(es) and the server, each a running total in nanoseconds. */
    record CpuSources(LongSupplier kernelNanos, LongSupplier serverNanos) {
        static final CpuSources NONE = new CpuSources(() -> 0, () -> 0);
    }

    private IopubThroughput() {
    }

    /** One run of {@code c} on {@code session}, with the CPU its kernel and server spent meanwhile. */
    static Row measure(String kernel, String path, KernelSession session, IopubCase c, CpuSources cpu) {
        long kernelBefore = cpu.kernelNanos().getAsLong();
        long serverBefore = cpu.serverNanos().getAsLong();
        Outcome outcome;
        try {
            outcome = session.executeOrPartial(c.code(), TIMEOUT);
        } catch (Exception e) {
            outcome = null;
        }
        return new Row(kernel, c, path, outcome, "", new RunCpu(cpu.kernelNanos().getAsLong() - kernelBefore,
                cpu.serverNanos().getAsLong() - serverBefore));
    }

    static List<Row> run(String kernel, String path, KernelSession session, List<IopubCase> cases, String note,
                         CpuSources cpu) {
        List<Row> rows = new ArrayList<>();
        for (IopubCase c : cases) {
            rows.add(measure(kernel, path, session, c, cpu).withNote(note));
        }
        return rows;
    }

    /** On a fresh kernel of a server, over its WebSocket; the kernel is deleted afterwards. */
    static List<Row> overWebSocket(Bench bench, ServerProcess server, String kernel, boolean v1, String path,
                                   List<IopubCase> cases, String note) throws Exception {
        String id = bench.rest().startKernel(server, kernel);
        try (WsSession session = WsSession.open(bench.group(), server, id, v1)) {
            return run(kernel, path, session, cases, note, server.cpu());
        } finally {
            bench.rest().deleteKernel(server, id);
        }
    }
}
