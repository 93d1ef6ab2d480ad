package dev.kernelgate.execd.pty;

import dev.kernelgate.http.WebSocketSession;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One interactive terminal: a shell on a pseudo-terminal (or on pipes, upstream's pipe mode), its output history
 * and at most one attached WebSocket. The shell starts with the first socket (and again with the next one after it
 * exited, as upstream does).
 *
 * <p>Threads: one pump thread per running shell polls its output, records output in the {@link ReplayBuffer} and
 * forwards it to the socket; it also writes stdin that did not fit into the terminal at once. Event loops attach,
 * detach, write stdin (non-blocking), resize and signal. Output reaches the socket in order because the pump sends
 * it under the same lock the event loop holds while it attaches and writes the replay; a socket that is not
 * writable holds the pump, and so the shell, back.
 */
final class PtySession {
    private static final Logger log = LoggerFactory.getLogger(PtySession.class);
    /** Largest output chunk, as upstream. */
    static final int CHUNK = 32 * 1024;
    /** Stdin accepted but not yet taken by the terminal, at most. */
    static final int MAX_PENDING_STDIN = 1 << 20;
    private static final int POLL_MILLIS = 100;

    private final String id;
    private final Path cwd;
    private final String command;
    private final ShellLauncher launcher;
    private final ThreadFactory pumps;
    private final Object starting = new Object();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition writable = lock.newCondition();
    // Guarded by lock.
    private final ReplayBuffer replay;
    private Run run;
    private WebSocketSession socket;
    private boolean deleted;

    /** One start of the shell. Fields other than the finals are guarded by the session's lock. */
    private static final class Run {
        final ShellIo io;
        final Process process;
        final ArrayDeque<byte[]> stdin = new ArrayDeque<>();
        int stdinHeadOffset;
        long stdinBytes;
        boolean finished;
        boolean killed;

        Run(ShellIo io, Process process) {
            this.io = io;
            this.process = process;
        }
    }

    PtySession(String id, Path cwd, String command, ShellLauncher launcher, ThreadFactory pumps, int replayBytes) {
        this.id = id;
        this.cwd = cwd;
        this.command = command;
        this.launcher = launcher;
        this.pumps = pumps;
        this.replay = new ReplayBuffer(replayBytes);
    }

    String id() {
        return id;
    }

    /**
     * Starts the shell unless it runs: on a terminal, or with {@code terminal} false on pipes (upstream's pipe mode).
     * Blocking (spawns a process): call it off event loops.
     */
    void start(boolean terminal) throws IOException {
        synchronized (starting) {
            lock.lock();
            try {
                if (deleted) {
                    throw new IOException("pty session is closing");
                }
                if (run != null && !run.finished) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            ShellIo io = terminal ? ShellIo.terminal(80, 24) : ShellIo.pipes();
            Process process;
            try {
                process = launcher.start(io, cwd, command);
            } catch (IOException | RuntimeException e) {
                io.close();
                throw e;
            }
            Run started = new Run(io, process);
            boolean gone;
            lock.lock();
            try {
                run = started;
                gone = deleted;
            } finally {
                lock.unlock();
            }
            pumps.newThread(() -> pump(started)).start();
            log.info("pty session {} started its shell (pid {}) on {}", id, process.pid(),
                    terminal ? io.slavePath() : "pipes");
            if (gone) {
                kill(started);
            }
        }
    }

    boolean running() {
        lock.lock();
        try {
            return run != null && !run.finished;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of output so far: where a client that saw everything would resume. */
    long outputOffset() {
        lock.lock();
        try {
            return replay.total();
        } finally {
            lock.unlock();
        }
    }

    boolean attached() {
        lock.lock();
        try {
            return socket != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes {@code s} the session's socket (event loop, on open): the output retained from {@code since} as one
     * replay frame, then {@code connected}, then live output. Another attached socket is closed with 4001 when
     * {@code takeover}, else {@code s} is refused.
     */
    void attach(WebSocketSession s, long since, boolean takeover) {
        lock.lock();
        try {
            if (deleted) {
                s.sendText(PtyFrames.error(PtyFrames.SESSION_GONE, "pty session " + id + " was deleted"));
                s.close(WebSocketCloseStatus.NORMAL_CLOSURE.code(), PtyFrames.SESSION_GONE);
                return;
            }
            if (socket != null && socket != s) {
                if (!takeover) {
                    // Lost a race with another upgrade that passed the same check.
                    s.sendText(PtyFrames.error(PtyFrames.ALREADY_CONNECTED,
                            "another client is already connected to pty session " + id));
                    s.close(WebSocketCloseStatus.POLICY_VIOLATION.code(), PtyFrames.ALREADY_CONNECTED);
                    return;
                }
                socket.close(PtyFrames.CLOSE_TAKEN_OVER, PtyFrames.TAKEN_OVER);
            }
            socket = s;
            ReplayBuffer.Snapshot missed = replay.from(since);
            if (missed.bytes().length > 0) {
                s.writeBinary(PtyFrames.replay(missed.offset(), missed.bytes()));
            }
            s.writeText(PtyFrames.connected(id, run == null || run.io.isTerminal()).getBytes(StandardCharsets.UTF_8));
            s.flush();
            if (run != null && run.finished) {
                sendExit(s, exitCode(run));
            }
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets {@code s} if it is still the session's socket (event loop, on close). */
    void detach(WebSocketSession s) {
        lock.lock();
        try {
            if (socket == s) {
                socket = null;
            }
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a pump waiting for the socket to drain (event loop). */
    void writabilityChanged() {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code data} for the shell's stdin without blocking; the reason when it cannot, else {@code null}. */
    String writeStdin(byte[] data) {
        lock.lock();
        try {
            Run r = run;
            if (r == null || r.finished) {
                return "pty session " + id + " is not running";
            }
            // A frame is always taken when nothing waits: memory stays within the limit plus one message.
            if (r.stdinBytes > 0 && r.stdinBytes + data.length > MAX_PENDING_STDIN) {
                return "stdin backlog of pty session " + id + " is full (" + MAX_PENDING_STDIN + " bytes)";
            }
            if (data.length == 0) {
                return null;
            }
            r.stdin.add(data);
            r.stdinBytes += data.length;
            return flushStdin(r);
        } finally {
            lock.unlock();
        }
    }

    /** Writes queued stdin until the terminal is full; the failure, else {@code null}. Under lock. */
    private String flushStdin(Run r) {
        while (!r.stdin.isEmpty()) {
            byte[] head = r.stdin.peek();
            int written;
            try {
                written = r.io.write(head, r.stdinHeadOffset, head.length - r.stdinHeadOffset);
            } catch (IOException e) {
                written = ShellIo.END;
            }
            if (written == ShellIo.END) {
                r.stdin.clear();
                r.stdinBytes = 0;
                r.stdinHeadOffset = 0;
                return "the terminal of pty session " + id + " is closed";
            }
            if (written == 0) {
                return null; // the pump writes the rest when the terminal has room
            }
            r.stdinHeadOffset += written;
            r.stdinBytes -= written;
            if (r.stdinHeadOffset == head.length) {
                r.stdin.poll();
                r.stdinHeadOffset = 0;
            }
        }
        return null;
    }

    /** Sets the terminal's size (event loop; one ioctl). */
    void resize(int cols, int rows) throws IOException {
        Run r = current();
        if (r == null) {
            throw new IOException("pty session " + id + " is not running");
        }
        r.io.resize(cols, rows);
    }

    /** Signals the shell's process group, as upstream: jobs in groups of their own are reached by Ctrl-C instead. */
    void signal(int number) {
        Run r = current();
        if (r != null) {
            Libc.C.kill((int) -r.process.pid(), number);
        }
    }

    private Run current() {
        lock.lock();
        try {
            return run == null || run.finished ? null : run;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Kills the shell and everything in its session, for good: a socket attached gets the exit frame. Blocking:
     * call it off event loops.
     */
    void delete() {
        Run r;
        WebSocketSession idle = null;
        lock.lock();
        try {
            deleted = true;
            r = run;
            if (r == null || r.finished) {
                idle = socket;
            }
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        if (r != null) {
            kill(r);
        }
        if (idle != null) {
            idle.close(WebSocketCloseStatus.NORMAL_CLOSURE.code(), PtyFrames.SESSION_GONE);
        }
    }

    private void kill(Run r) {
        lock.lock();
        try {
            if (r.finished) {
                return;
            }
            r.killed = true;
        } finally {
            lock.unlock();
        }
        SessionKiller.kill(r.process.pid());
    }

    /** The pump thread of {@code r}: output out, queued stdin in, until the shell is gone and its output quiet. */
    private void pump(Run r) {
        byte[] buf = new byte[CHUNK];
        boolean[] open = new boolean[r.io.outputCount()];
        Arrays.fill(open, true);
        int remaining = open.length;
        try {
            while (remaining > 0) {
                // Seen dead before a whole quiet poll: whatever it wrote last has been read by then.
                boolean exited = !r.process.isAlive();
                r.io.await(open, pendingStdin(r), POLL_MILLIS);
                flushPendingStdin(r);
                boolean quiet = true;
                for (int i = 0; i < open.length; i++) {
                    int n = open[i] ? r.io.read(i, buf) : 0;
                    if (n > 0) {
                        deliver(r.io.channel(i), buf, n);
                        quiet = false;
                    } else if (n == ShellIo.END) {
                        open[i] = false;
                        remaining--;
                    }
                }
                if (quiet && exited) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            log.warn("pty session {}: reading the shell's output failed", id, e);
        }
        r.process.onExit().whenComplete((p, failure) -> finish(r));
    }

    private boolean pendingStdin(Run r) {
        lock.lock();
        try {
            return !r.stdin.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private void flushPendingStdin(Run r) {
        lock.lock();
        try {
            String failure = flushStdin(r);
            if (failure != null && socket != null) {
                socket.sendText(PtyFrames.error(PtyFrames.STDIN_WRITE_FAILED, failure));
            }
        } finally {
            lock.unlock();
        }
    }

    private void deliver(byte channel, byte[] buf, int n) {
        byte[] frame = PtyFrames.output(channel, buf, n);
        lock.lock();
        try {
            replay.write(buf, 0, n);
            if (socket != null) {
                socket.sendBinary(frame);
            }
            while (socket != null && socket.isOpen() && !socket.isWritable() && !deleted) {
                writable.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** The shell exited: the socket gets the exit frame and a normal close. */
    private void finish(Run r) {
        WebSocketSession s;
        int code;
        lock.lock();
        try {
            r.finished = true;
            r.io.close();
            r.stdin.clear();
            code = exitCode(r);
            s = run == r ? socket : null;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        log.info("pty session {}: the shell exited with {}", id, code);
        if (s != null) {
            sendExit(s, code);
        }
    }

    private static void sendExit(WebSocketSession s, int code) {
        s.sendText(PtyFrames.exit(code));
        s.close(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "process exited");
    }

    /** The shell's exit status; -1 when it was killed, as upstream reports a death by signal. */
    private static int exitCode(Run r) {
        return r.killed ? -1 : r.process.exitValue();
    }
}
