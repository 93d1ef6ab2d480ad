package dev.kernelgate.execd.command;

import java.util.List;

/**
 * Receives one execution's events from {@link CommandService} or {@link BashSessions}, in order: {@link #init},
 * then output lines, then exactly one of {@link #complete} or {@link #error}. Calls come from service threads,
 * never concurrently. Output texts follow {@link OutputLineSplitter}'s rules.
 */
public interface ExecutionListener {

    /** The execution's id (a command id, or the session id for a session run). */
    void init(String id);

    void stdout(String text);

    void stderr(String text);

    /** Terminal: success. */
    void complete(long executionTimeMillis);

    /** Terminal: failure ({@code CommandExecError} with the exit code, {@code "-1"} for a signal). */
    void error(String ename, String evalue, List<String> traceback);

    /**
     * Called by reader threads between output chunks: blocks while the consumer cannot take more (so a flood of
     * output throttles the command through its pipe instead of filling memory). Returns at once by default.
     */
    default void awaitWritable() {
    }

    /** Registers what to do when the consumer goes away before the terminal event (e.g. the client left). */
    default void onAbandon(Runnable action) {
    }
}
