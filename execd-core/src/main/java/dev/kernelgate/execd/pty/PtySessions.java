package dev.kernelgate.execd.pty;

import com.sun.jna.Platform;
import dev.kernelgate.execd.command.CommandService;
import dev.kernelgate.execd.command.PathExpander;
import dev.kernelgate.kernels.DaemonThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal sessions of {@code /pty} (upstream {@code runtime/pty_session.go}). A session lives until it is
 * deleted or execd closes, whether its shell runs or not; {@link #close()} kills every shell with its whole session.
 * Thread-safe.
 */
public final class PtySessions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PtySessions.class);

    /** Sessions kept at once (deleted ones do not count); a create past it is refused. */
    static final int MAX_SESSIONS = 128;

    /** A create refused because {@link #MAX_SESSIONS} sessions exist. */
    public static final class TooManySessionsException extends IOException {
        TooManySessionsException(int limit) {
            super(limit + " pty sessions exist; delete one (DELETE /pty/{sessionId}) before creating another");
        }
    }

    private final Map<String, PtySession> sessions = new ConcurrentHashMap<>();
    private final ShellLauncher launcher;
    private final PathExpander paths;
    private final Path workDir;
    private final Map<String, String> processEnv;
    private final ThreadFactory pumps = DaemonThreads.named("kernelgate-pty");
    private final int replayBytes;
    private final boolean supported = Platform.isLinux();
    private volatile boolean closed;

    /** Shells get the environment, shell and working directories {@code commands} gives commands. */
    public PtySessions(CommandService commands) {
        this(commands, ReplayBuffer.DEFAULT_CAPACITY);
    }

    PtySessions(CommandService commands, int replayBytes) {
        this.launcher = new ShellLauncher(commands.setsid(), commands.bash(),
                () -> commands.environment().build(Map.of()));
        this.paths = commands.paths();
        this.workDir = commands.workDir();
        this.processEnv = commands.environment().processEnv();
        this.replayBytes = replayBytes;
    }

    /** Whether this platform has the terminals (and the libc constants) these sessions are built on: Linux. */
    public boolean supported() {
        return supported;
    }

    /**
     * A new session (its shell starts with the first WebSocket). {@code cwd} is expanded as a command's is and
     * created when missing; {@code null} or empty means execd's working directory.
     */
    public String create(String cwd, String command) throws IOException {
        if (closed) {
            throw new IOException("execd is shutting down");
        }
        if (sessions.size() >= MAX_SESSIONS) {
            // Each session holds a replay buffer and, once attached, a shell: a loop of creates must not exhaust execd.
            throw new TooManySessionsException(MAX_SESSIONS);
        }
        Path dir = workDir;
        if (cwd != null && !cwd.isEmpty()) {
            try {
                dir = Files.createDirectories(Path.of(paths.expand(cwd, processEnv)));
            } catch (PathExpander.UndefinedVariableException | InvalidPathException e) {
                throw new IOException("resolve cwd " + cwd + ": " + e.getMessage(), e);
            }
        }
        String id = UUID.randomUUID().toString();
        sessions.put(id, new PtySession(id, dir, command, launcher, pumps, replayBytes));
        log.info("created pty session {}", id);
        return id;
    }

    PtySession get(String id) {
        return id == null ? null : sessions.get(id);
    }

    /** Kills the session's shell and everything in its session; false when there is no such session. Blocking. */
    public boolean delete(String id) {
        PtySession session = id == null ? null : sessions.remove(id);
        if (session == null) {
            return false;
        }
        session.delete();
        log.info("deleted pty session {}", id);
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (String id : sessions.keySet()) {
            delete(id);
        }
    }
}
