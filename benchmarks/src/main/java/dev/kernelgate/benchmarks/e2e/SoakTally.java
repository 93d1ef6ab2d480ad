package dev.kernelgate.benchmarks.e2e;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the soak's clients did, per kind of operation: served (everything expected arrived and was right), lost
 * (expected messages, lines or files that did not arrive), hung (an operation that outlived its timeout), failed
 * (an answer that arrived but was wrong: a bad status, foreign content). Safe from every client thread.
 */
final class SoakTally {
    /** The kinds of operation the soak mixes. */
    enum Op {
        KERNEL_OPEN("kernel WebSocket open + kernel_info"),
        KERNEL_EXECUTE("kernel execute (`1+1`, a print)"),
        CODE("`/code` print"),
        COMMAND("`/command` `seq 1 1000`"),
        SESSION("`/session` create, run `seq 1 100`, delete"),
        FILES("`/files` upload, download, compare, delete"),
        METRICS("`/metrics`");

        final String description;

        Op(String description) {
            this.description = description;
        }
    }

    /** The counts of one kind of operation. */
    record Counts(Op op, long served, long lost, long hung, long failed) {
    }

    private static final int SERVED = 0;
    private static final int LOST = 1;
    private static final int HUNG = 2;
    private static final int FAILED = 3;
    private static final int MAX_ERRORS = 20;

    private final Map<Op, AtomicLongArray> counts = new EnumMap<>(Op.class);
    private final List<String> errors = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong misrouted = new java.util.concurrent.atomic.AtomicLong();

    SoakTally() {
        for (Op op : Op.values()) {
            counts.put(op, new AtomicLongArray(4));
        }
    }

    void served(Op op) {
        counts.get(op).incrementAndGet(SERVED);
    }

    void lost(Op op, long messages, String what) {
        if (messages > 0) {
            counts.get(op).addAndGet(LOST, messages);
            error(op, "lost " + messages + ": " + what);
        }
    }

    void hung(Op op, String what) {
        counts.get(op).incrementAndGet(HUNG);
        error(op, "hung: " + what);
    }

    void failed(Op op, String what) {
        counts.get(op).incrementAndGet(FAILED);
        error(op, "failed: " + what);
    }

    /** Shell replies a kernel client received for requests it never sent. */
    void misrouted(long replies) {
        misrouted.addAndGet(replies);
    }

    long misrouted() {
        return misrouted.get();
    }

    List<Counts> counts() {
        return counts.entrySet().stream().map(e -> new Counts(e.getKey(), e.getValue().get(SERVED),
                e.getValue().get(LOST), e.getValue().get(HUNG), e.getValue().get(FAILED))).toList();
    }

    /** The first few problems, for the report (the counts hold them all). */
    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    private synchronized void error(Op op, String what) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(op.name() + " " + what);
        }
    }
}
