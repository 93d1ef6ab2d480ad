package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds a blocking operation in time: when it outlives its timeout, the connection it blocks on is closed, which
 * ends it with an exception that {@link #run} turns into {@link TimedOut}. A read timeout alone would not do: execd
 * streams send a {@code ping} every 3 s, so a stalled stream never stops delivering bytes.
 */
final class OperationTimer implements AutoCloseable {
    /** The operation outlived its timeout (the client counts as hung). */
    static final class TimedOut extends Exception {
        TimedOut(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-operation-timer");
        t.setDaemon(true);
        return t;
    });

    <T> T run(Duration timeout, AutoCloseable abort, Callable<T> operation) throws Exception {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> alarm = timer.schedule(() -> {
            fired.set(true);
            try {
                abort.close();
            } catch (Exception ignored) {
                // closing is all that is wanted; a failure to close leaves the operation to its own end
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            T result = operation.call();
            if (fired.get()) {
                throw new TimedOut("took longer than " + timeout, null);
            }
            return result;
        } catch (Exception e) {
            if (fired.get()) {
                throw new TimedOut("took longer than " + timeout, e);
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
