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
 * thread has not started by then. A process the command left behind (e.g.
 * {@code sleep 100 &}) may keep a pipe open: the {@link ExitSweeper} notices the exit, and the
 * execution ends once the pipes have been quiet for {@link #QUIET_NANOS}; the reader then keeps draining (and
 * discarding) until that process closes the pipe, so it never blocks on a full pipe.
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
    private volatile long lastActivity = System.nanoTime();
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
        pump(process.getInputStream(), out);
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
        pump(process.getErrorStream(), err);
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

    private void pump(InputStream in, OutputLineSplitter splitter) {
        byte[] buffer = new byte[CHUNK];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                lastActivity = System.nanoTime();
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

    /** After the exit, a pipe still open but silent for {@link #QUIET_NANOS} belongs to a leftover process. */
    private void scheduleQuietCheck(long delayNanos) {
        if (finished.get()) {
            return;
        }
        try {
            quietCheck = timer.schedule(() -> {
                long quietFor = System.nanoTime() - lastActivity;
                if (quietFor >= QUIET_NANOS) {
                    finish();
                } else {
                    scheduleQuietCheck(QUIET_NANOS - quietFor);
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            finish();
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
