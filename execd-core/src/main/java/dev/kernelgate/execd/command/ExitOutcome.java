package dev.kernelgate.execd.command;

/**
 * How a command ended, in upstream's terms: {@code exit_code} and the Go error text ({@code "exit status 7"},
 * {@code "signal: killed"}). The JDK reports a death by signal N as exit value 128+N, indistinguishable from
 * {@code exit 128+N}; a value above 128 is read as a signal (code -1) only when this service signalled the group
 * (interrupt, timeout, session close or client disconnect).
 */
record ExitOutcome(int exitCode, String error) {

    static ExitOutcome of(int exitValue, ProcessGroups.Signal sent) {
        if (exitValue == 0) {
            return new ExitOutcome(0, null);
        }
        if (sent != null && exitValue > 128 && exitValue <= 128 + 64) {
            return new ExitOutcome(-1, ProcessGroups.describeSignal(exitValue - 128));
        }
        return new ExitOutcome(exitValue, "exit status " + exitValue);
    }

    boolean success() {
        return exitCode == 0;
    }

    String evalue() {
        return Integer.toString(exitCode);
    }
}
