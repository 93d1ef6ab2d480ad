package dev.kernelgate.execd.command;

import java.nio.file.Path;
import java.time.Instant;

/** What the service remembers about one command; guarded by its own monitor. */
final class CommandRecord {

    final String id;
    final String content;
    final boolean background;
    final Instant startedAt;
    /** The combined output file of a background command, else {@code null}. */
    final Path outputFile;

    private boolean running = true;
    private long pgid;
    private Integer exitCode;
    private String error;
    private Instant finishedAt;
    /** The last signal this service sent to the group, or {@code null}. */
    private ProcessGroups.Signal signalSent;
    private String killReason;

    CommandRecord(String id, String content, boolean background, Instant startedAt, Path outputFile) {
        this.id = id;
        this.content = content;
        this.background = background;
        this.startedAt = startedAt;
        this.outputFile = outputFile;
    }

    synchronized void started(long processGroup) {
        this.pgid = processGroup;
    }

    /** The group to signal, or 0 once the command is over (so a late interrupt never hits a reused id). */
    synchronized long liveGroup() {
        return running ? pgid : 0;
    }

    synchronized boolean running() {
        return running;
    }

    /** Records that the service is about to send {@code signal}; false if the command is already over. */
    synchronized boolean signalling(ProcessGroups.Signal signal, String reason) {
        if (!running) {
            return false;
        }
        signalSent = signal;
        if (reason != null && killReason == null) {
            killReason = reason;
        }
        return true;
    }

    synchronized ProcessGroups.Signal signalSent() {
        return signalSent;
    }

    synchronized String killReason() {
        return killReason;
    }

    synchronized void finished(int code, String message) {
        if (!running) {
            return;
        }
        running = false;
        pgid = 0;
        exitCode = code;
        error = message;
        finishedAt = Instant.now();
    }

    synchronized CommandStatus status() {
        return new CommandStatus(id, content, running, exitCode, error, CommandStatus.rfc3339Nano(startedAt),
                CommandStatus.rfc3339Nano(finishedAt));
    }
}
