package dev.kernelgate.execd.command;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Notices the exit of processes whose output pipes are still held open by processes they left behind (no reader
 * reaches EOF, so nothing else would). One periodic task for all executions instead of a timer per command; it
 * stops after a while without work.
 */
final class ExitSweeper {

    static final long PERIOD_MILLIS = 50;
    private static final int IDLE_SWEEPS_BEFORE_STOP = 200;

    private final ScheduledExecutorService timer;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> task;
    private int idleSweeps;

    /** What the sweeper watches. */
    interface Watched {
        /** Checks the process; true once it has exited (and stops being watched). */
        boolean checkExited();
    }

    ExitSweeper(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    void watch(Watched execution) {
        watched.add(execution);
        synchronized (this) {
            idleSweeps = 0;
            if (task == null) {
                try {
                    task = timer.scheduleWithFixedDelay(this::sweep, PERIOD_MILLIS, PERIOD_MILLIS,
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // closing: nothing to sweep for
                }
            }
        }
    }

    void unwatch(Watched execution) {
        watched.remove(execution);
    }

    private void sweep() {
        watched.removeIf(Watched::checkExited);
        synchronized (this) {
            if (watched.isEmpty() && ++idleSweeps >= IDLE_SWEEPS_BEFORE_STOP && task != null) {
                task.cancel(false);
                task = null;
            }
        }
    }
}
