package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** IOPub throughput: time until the last message of an output-heavy execute reaches the client, and the count. */
final class IopubThroughput {
    /** Far above any complete run here (the slowest takes ~25 s on a loaded machine); a dropped idle ends it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** One measured case on one path; {@code outcome} is null when it did not finish in time. */
    record Row(String kernel, IopubCase testCase, String path, Outcome outcome, String note) {
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

    private IopubThroughput() {
    }

    static List<Row> run(String kernel, String path, KernelSession session, List<IopubCase> cases, String note) {
        List<Row> rows = new ArrayList<>();
        for (IopubCase c : cases) {
            Outcome outcome;
            try {
                outcome = session.executeOrPartial(c.code(), TIMEOUT);
            } catch (Exception e) {
                outcome = null;
            }
            rows.add(new Row(kernel, c, path, outcome, note));
        }
        return rows;
    }

    static List<Row> fromPython(String kernel, List<IopubCase> cases, Map<String, Outcome> measured) {
        List<Row> rows = new ArrayList<>();
        for (IopubCase c : cases) {
            rows.add(new Row(kernel, c, "direct ZMQ (jupyter_client)", measured.get(c.name()), ""));
        }
        return rows;
    }

    /** On a fresh kernel of a server, over its WebSocket; the kernel is deleted afterwards. */
    static List<Row> overWebSocket(Bench bench, ServerProcess server, String kernel, boolean v1, String path,
                                   List<IopubCase> cases, String note) throws Exception {
        String id = bench.rest().startKernel(server, kernel);
        try (WsSession session = WsSession.open(bench.group(), server, id, v1)) {
            return run(kernel, path, session, cases, note);
        } finally {
            bench.rest().deleteKernel(server, id);
        }
    }
}
