package dev.kernelgate.execd.command;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a started process's pipes to an {@link ExecutionListener} as they are written and decides when the
 * execution is over: when the process has exited and its pipes reached EOF.
 *
 * <p>Threads: the caller of {@link #run()} reads stdout and then waits for the exit (no hand-off on the hot path);
 * stderr, unless merged into stdout, is read on a pooled thread, or by the caller after stdout's EOF if that
 * thread has not started by then.
 *
 * <p>A process the command left behind (e.g. {@code sleep 100 &}) may keep a pipe open after the command exits.
 * The rule (documented in the README): once the {@link ExitSweeper} has seen the exit, the execution ends when every
 * pipe still open has had its reader waiting in {@code read} — the pipe empty — for {@link #QUIET_NANOS} since the
 * exit. A reader held up by a slow client is not waiting on its pipe, so however slowly the client reads, every byte
 * written before the exit is delivered; the reader then keeps draining (and discarding) what the leftover process
 * writes until it closes the pipe, so that process never blocks on a full pipe. A reader in {@code read} that the
 * scheduler shows runnable ({@link ReaderThread}) has been woken by data and waits only for a CPU: not quiet.
 */
final class PipedExecution implements ExitSweeper.Watched {

    private static final Logger log = LoggerFactory.getLogger(PipedExecution.class);
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int CHUNK = 8192;

    private final Process process;
    private final ExecutionListener listener;
    private final Executor readers;
    private final ScheduledExecutorService timer;
    private final ExitSweeper sweeper;
    private final IntConsumer onFinish;
    private final Object lock = new Object();
    private final OutputLineSplitter out;
    private final OutputLineSplitter err;
    private final boolean merged;
    /** Readers still open plus one for the exit. */
    private final AtomicInteger pending;
    private final AtomicBoolean exitSeen = new AtomicBoolean();
    private final AtomicBoolean stderrClaimed = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final PipeReader stdoutReader = new PipeReader();
    private final PipeReader stderrReader = new PipeReader();
    private volatile long exitSeenAt;
    private volatile ScheduledFuture<?> quietCheck;
    /** Guarded by {@link #lock}: after the terminal event no more output goes to the listener. */
    private boolean terminated;

    /**
     * @param merged   stderr was redirected into stdout (only stdout is read; texts go to {@code stdout})
     * @param onFinish called once with the exit value, holding the output lock after the last output text: it
     *                 must send the terminal event
     */
    PipedExecution(Process process, boolean merged, ExecutionListener listener, Executor readers,
                   ScheduledExecutorService timer, ExitSweeper sweeper, IntConsumer onFinish) {
        this.process = process;
        this.merged = merged;
        this.listener = listener;
        this.readers = readers;
        this.timer = timer;
        this.sweeper = sweeper;
        this.onFinish = onFinish;
        this.out = new OutputLineSplitter(listener::stdout);
        this.err = new OutputLineSplitter(listener::stderr);
        this.pending = new AtomicInteger(merged ? 2 : 3);
    }

    /** Reads stdout on the calling thread until EOF and the process's exit; the execution may end later. */
    void run() {
        sweeper.watch(this);
        if (!merged) {
            try {
                readers.execute(this::readStderr);
            } catch (RejectedExecutionException e) {
                log.debug("stderr of process {} is read after stdout: reader pool closed", process.pid());
            }
        }
        pump(process.getInputStream(), out, stdoutReader);
        arrive();
        // A short command is usually over before the pooled stderr reader even ran: read stderr here then,
        // which saves a thread wake-up on the way to the terminal event.
        readStderr();
        awaitExit();
    }

    /** Reads stderr to EOF unless another thread claimed it first. */
    private void readStderr() {
        if (merged || !stderrClaimed.compareAndSet(false, true)) {
            return;
        }
        pump(process.getErrorStream(), err, stderrReader);
        arrive();
    }

    private void awaitExit() {
        if (exitSeen.get()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        exited();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void pump(InputStream in, OutputLineSplitter splitter, PipeReader reader) {
        reader.thread = ReaderThread.current();
        byte[] buffer = new byte[CHUNK];
        try {
            int n;
            while (true) {
                reader.waitingSince = System.nanoTime();
                n = in.read(buffer);
                reader.waitingSince = 0;
                if (n < 0) {
                    break;
                }
                boolean live;
                synchronized (lock) {
                    live = !terminated;
                    if (live) {
                        splitter.feed(buffer, 0, n);
                    }
                }
                if (live) {
                    listener.awaitWritable();
                }
                // else: the execution ended without this pipe; drain so the leftover writer never blocks
            }
            synchronized (lock) {
                if (!terminated) {
                    splitter.flush();
                }
            }
        } catch (IOException e) {
            // The JDK closed the pipe after the process exited, or the service is closing.
        } catch (RuntimeException e) {
            log.warn("output reader of process {} failed", process.pid(), e);
        } finally {
            reader.closed = true;
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    @Override
    public boolean checkExited() {
        if (process.isAlive()) {
            return false;
        }
        exited();
        return true;
    }

    private void exited() {
        if (!exitSeen.compareAndSet(false, true)) {
            return;
        }
        exitSeenAt = System.nanoTime();
        sweeper.unwatch(this);
        if (pending.decrementAndGet() == 0) {
            finish();
        } else {
            scheduleQuietCheck(QUIET_NANOS);
        }
    }

    private void arrive() {
        if (pending.decrementAndGet() == 0) {
            finish();
        }
    }

    /**
     * After the exit, a pipe whose reader has been waiting on it, empty, for {@link #QUIET_NANOS} belongs to a
     * leftover process. A reader busy delivering (or waiting for a slow client) keeps the execution going.
     */
    private void scheduleQuietCheck(long delayNanos) {
        if (finished.get()) {
            return;
        }
        try {
            quietCheck = timer.schedule(() -> {
                long quietFor = Math.min(stdoutReader.quietFor(exitSeenAt),
                        merged ? Long.MAX_VALUE : stderrReader.quietFor(exitSeenAt));
                if (quietFor >= QUIET_NANOS) {
                    finish();
                } else {
                    scheduleQuietCheck(Math.max(QUIET_NANOS - quietFor, QUIET_NANOS / 5));
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            finish();
        }
    }

    /** What one pipe's reader is doing, seen from the quiet check. */
    private static final class PipeReader {
        /** When the reader entered {@code read} with nothing delivered since; 0 while it is busy. */
        volatile long waitingSince;
        volatile boolean closed;
        /** The thread in {@code read}, to ask the scheduler whether data woke it; null where unknown. */
        volatile ReaderThread thread;

        /** How long this pipe has been empty with its reader waiting, counted from no earlier than the exit. */
        long quietFor(long exitSeenAt) {
            if (closed) {
                return Long.MAX_VALUE;
            }
            long since = waitingSince;
            if (since == 0) {
                return 0;
            }
            ReaderThread t = thread;
            if (t != null && t.runnable()) {
                return 0; // woken by data, not yet on a CPU (a loaded machine): the pipe is not empty
            }
            return System.nanoTime() - Math.max(since, exitSeenAt);
        }
    }

    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        cancel(quietCheck);
        sweeper.unwatch(this);
        int exitValue;
        try {
            exitValue = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitValue = -1;
        }
        synchronized (lock) {
            out.flush();
            err.flush();
            terminated = true;
            onFinish.accept(exitValue);
        }
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }
}
