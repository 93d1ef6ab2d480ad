package dev.kernelgate.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a process has gone quiet: at most {@link #BUSY_TICKS} clock ticks of CPU (all its threads) over one
 * {@link #WINDOW}, as /proc/PID/stat counts them. A kernel that has just answered its first requests is often still
 * busy in the background (a JVM compiling what it ran; the Java kernel building its JShell): a client served
 * meanwhile shares the machine with that work.
 */
final class QuietProcess {
    static final Duration WINDOW = Duration.ofMillis(200);
    static final long BUSY_TICKS = 1;

    private QuietProcess() {
    }

    /**
     * Completes (true) once process {@code pid} is quiet, or (false) after {@code limit}, or when it is gone or
     * its CPU time cannot be read (no /proc): nothing to wait for then.
     */
    static CompletableFuture<Boolean> await(long pid, Duration limit, ScheduledExecutorService scheduler) {
        CompletableFuture<Boolean> quiet = new CompletableFuture<>();
        long deadline = System.nanoTime() + limit.toNanos();
        poll(pid, ticks(pid), deadline, scheduler, quiet);
        return quiet;
    }

    private static void poll(long pid, long before, long deadline, ScheduledExecutorService scheduler,
                             CompletableFuture<Boolean> quiet) {
        if (before < 0) {
            quiet.complete(false);
            return;
        }
        try {
            scheduler.schedule(() -> {
                long now = ticks(pid);
                if (now >= 0 && now - before <= BUSY_TICKS) {
                    quiet.complete(true);
                } else if (System.nanoTime() > deadline) {
                    quiet.complete(false);
                } else {
                    poll(pid, now, deadline, scheduler, quiet);
                }
            }, WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            quiet.complete(false); // the service is stopping
        }
    }

    /** utime + stime of every thread of {@code pid}, in clock ticks; -1 when it cannot be read. */
    static long ticks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so count from the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
