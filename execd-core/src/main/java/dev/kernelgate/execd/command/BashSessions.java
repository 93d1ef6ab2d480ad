package dev.kernelgate.execd.command;

import dev.kernelgate.execd.ExecdErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bash sessions of {@code /session} (upstream {@code pkg/runtime/bash_session.go}): not a long-lived shell but a
 * fresh {@code bash --noprofile --norc <script>} per run that replays the session's state. The script
 * {@code cd}s to the session's directory (or the run's {@code cwd}), runs the command, then saves {@code $PWD}
 * and {@code export -p} for the next run. The state goes to a side file rather than through markers in the
 * output, so nothing of it can leak into (or be faked by) the command's output, {@code set -x} included; a run
 * that ends through {@code exit} or {@code exec} keeps the previous state, as upstream.
 *
 * <p>stdout and stderr are merged into {@code stdout} events, split by {@link OutputLineSplitter}. Exit 0 ends
 * with {@code execution_complete}, anything else with {@code error{CommandExecError, evalue:<code>}}. A timeout
 * (default 24 h), the listener leaving, or the session's deletion kill the run's process group; those end with
 * evalue {@code -1}. A session starts with execd's environment plus the {@code EXECD_ENVS} file. Runs of one
 * session may overlap; the last to finish wins. Thread-safe.
 */
public final class BashSessions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BashSessions.class);

    public static final long DEFAULT_TIMEOUT_MILLIS = TimeUnit.HOURS.toMillis(24);
    private static final String EXEC_ERROR = "CommandExecError";

    private final CommandService commands;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong runCounter = new AtomicLong();

    /** Shares the command service's environment, directories and threads. */
    public BashSessions(CommandService commands) {
        this.commands = commands;
    }

    /**
     * {@code POST /session}: a new session starting in {@code cwd} (expanded; created if missing; empty means
     * execd's working directory). Blocking (file system). Fails with 500 {@code RUNTIME_ERROR}.
     */
    public String create(String cwd) throws CommandException {
        String dir = "";
        if (cwd != null && !cwd.isEmpty()) {
            try {
                dir = commands.paths().expand(cwd, commands.environment().processEnv());
                Files.createDirectories(Path.of(dir));
            } catch (PathExpander.UndefinedVariableException | IOException | RuntimeException e) {
                throw CommandException.runtime("error creating session. resolve request cwd " + cwd + ": "
                        + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        } else if (commands.workDir() != null) {
            dir = commands.workDir().toString();
        }
        Map<String, String> env = new LinkedHashMap<>();
        commands.environment().build(Map.of()).forEach((name, value) -> {
            if (ExportDump.isValidName(name)) {
                env.put(name, value);
            }
        });
        Session session = new Session(UUID.randomUUID().toString(), env, dir);
        sessions.put(session.id, session);
        log.info("created bash session {}", session.id);
        return session.id;
    }

    public boolean contains(String sessionId) {
        return sessionId != null && sessions.containsKey(sessionId);
    }

    /**
     * {@code DELETE /session/{id}}: forgets the session and kills its running runs. 404 {@code CONTEXT_NOT_FOUND}
     * when unknown.
     */
    public void delete(String sessionId) throws CommandException {
        Session session = sessionId == null ? null : sessions.remove(sessionId);
        if (session == null) {
            throw new CommandException(404, ExecdErrorCode.CONTEXT_NOT_FOUND, "session " + sessionId + " not found");
        }
        session.close(this);
    }

    /**
     * {@code POST /session/{id}/run}, asynchronously. The future fails before any listener call with 400 (bad
     * {@code cwd}) or 500 {@code RUNTIME_ERROR} (unknown session, bash cannot start), else completes after
     * {@code init}; the rest reaches the listener.
     */
    public CompletableFuture<Void> run(String sessionId, RunInSessionRequest request, ExecutionListener listener) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        try {
            commands.io.execute(() -> {
                try {
                    runNow(sessionId, request, listener, started);
                } catch (CommandException e) {
                    started.completeExceptionally(e);
                } catch (RuntimeException e) {
                    log.error("session run failed", e);
                    started.completeExceptionally(
                            CommandException.runtime("error running in session. " + e.getMessage()));
                }
            });
        } catch (RejectedExecutionException e) {
            started.completeExceptionally(CommandException.runtime("error running in session. shutting down"));
        }
        return started;
    }

    /** Kills every run and forgets every session. */
    @Override
    public void close() {
        for (String id : List.copyOf(sessions.keySet())) {
            Session session = sessions.remove(id);
            if (session != null) {
                session.close(this);
            }
        }
    }

    private void runNow(String sessionId, RunInSessionRequest request, ExecutionListener listener,
                        CompletableFuture<Void> started) throws CommandException {
        String override = null;
        if (!request.cwd().isEmpty()) {
            Path dir;
            try {
                dir = commands.workingDirectory(request.cwd(), commands.environment().processEnv());
            } catch (CommandException e) {
                throw CommandException.invalid(e.getMessage().replace("invalid request, validation error ",
                        "invalid request. "));
            }
            override = dir.toString();
        }
        Session session = sessions.get(sessionId);
        if (session == null) {
            throw CommandException.runtime("error running in session. context not found");
        }
        if (commands.bash() == null) {
            throw CommandException.runtime("error running in session. start bash: bash not found on the PATH");
        }
        Map<String, String> env;
        String cwd;
        synchronized (session) {
            env = new LinkedHashMap<>(session.env);
            cwd = override != null ? override : session.cwd;
        }
        long n = runCounter.incrementAndGet();
        Path script = commands.scratchDir().resolve("session-" + sessionId + "-" + n + ".sh");
        Path state = commands.scratchDir().resolve("session-" + sessionId + "-" + n + ".state");
        Process process;
        try {
            Files.writeString(script, script(request.command(), cwd, state), StandardCharsets.UTF_8);
            List<String> argv = new ArrayList<>(5);
            if (commands.setsid() != null) {
                argv.add(commands.setsid());
            }
            argv.addAll(List.of(commands.bash(), "--noprofile", "--norc", script.toString()));
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(CommandService.DEV_NULL))
                    .redirectErrorStream(true);
            if (commands.workDir() != null) {
                builder.directory(commands.workDir().toFile());
            }
            CommandService.applyEnvironment(builder, env);
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            CommandService.deleteQuietly(script);
            throw CommandException.runtime("error running in session. start bash: " + e.getMessage());
        }
        long t0 = System.nanoTime();
        Run run = new Run(process.pid());
        session.runs.add(run);
        listener.init(session.id);
        started.complete(null);
        if (session.closed) {
            kill(run, ProcessGroups.Signal.KILL); // deleted while we were starting
        }
        long timeoutMillis = request.timeoutMillis() > 0 ? request.timeoutMillis() : DEFAULT_TIMEOUT_MILLIS;
        ScheduledFuture<?> timeout = schedule(() -> {
            run.timedOut = true;
            kill(run, ProcessGroups.Signal.KILL);
        }, timeoutMillis);
        listener.onAbandon(() -> {
            if (!run.over) {
                commands.io.execute(() -> kill(run, ProcessGroups.Signal.KILL));
            }
        });
        new PipedExecution(process, true, listener, commands.io, commands.timer, commands.sweeper, exitValue -> {
            run.over = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            session.runs.remove(run);
            saveState(session, state);
            CommandService.deleteQuietly(script);
            CommandService.deleteQuietly(state);
            if (run.timedOut) {
                listener.error(EXEC_ERROR, "-1", List.of("timeout after " + timeoutMillis + "ms"));
                return;
            }
            ExitOutcome outcome = ExitOutcome.of(exitValue, run.signal);
            if (outcome.success()) {
                listener.complete(CommandService.millisSince(t0));
            } else {
                listener.error(EXEC_ERROR, outcome.evalue(), List.of(outcome.error()));
            }
        }).run();
    }

    /** The run's script: cd, the command, then the state dump to {@code state} and the command's exit status. */
    static String script(String command, String cwd, Path state) {
        StringBuilder s = new StringBuilder(command.length() + 256);
        if (cwd != null && !cwd.isEmpty()) {
            s.append("cd -- ").append(quote(cwd)).append('\n');
        }
        s.append(command);
        if (!command.endsWith("\n")) {
            s.append('\n');
        }
        s.append("{ __kernelgate_status=$?; set +x; } 2>/dev/null\n");
        s.append("{ builtin printf '%s\\0' \"$PWD\"; builtin export -p; } >| ").append(quote(state.toString()))
                .append(" 2>/dev/null\n");
        s.append("builtin exit \"$__kernelgate_status\"\n");
        return s.toString();
    }

    static String quote(String value) {
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }

    private void saveState(Session session, Path state) {
        byte[] dump;
        try {
            dump = Files.readAllBytes(state);
        } catch (NoSuchFileException e) {
            return; // the command ended the shell (exit, exec, a signal): keep the previous state
        } catch (IOException e) {
            log.warn("cannot read the state of session {}: {}", session.id, e.toString());
            return;
        }
        int nul = -1;
        for (int i = 0; i < dump.length; i++) {
            if (dump[i] == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 0) {
            return; // cut short
        }
        String pwd = new String(dump, 0, nul, StandardCharsets.UTF_8);
        Map<String, String> env = ExportDump.parse(dump, nul + 1);
        synchronized (session) {
            if (session.closed) {
                return;
            }
            if (!env.isEmpty()) {
                String shlvl = session.env.get("SHLVL");
                session.env = env;
                if (shlvl != null) {
                    env.put("SHLVL", shlvl);
                }
            }
            if (!pwd.isEmpty()) {
                session.cwd = pwd;
            }
        }
    }

    private void kill(Run run, ProcessGroups.Signal signal) {
        if (run.over) {
            return;
        }
        run.signal = signal;
        commands.signalGroup(run.group, signal);
    }

    private ScheduledFuture<?> schedule(Runnable task, long millis) {
        try {
            return commands.timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private static final class Run {
        final long group;
        volatile boolean over;
        volatile boolean timedOut;
        volatile ProcessGroups.Signal signal;

        Run(long group) {
            this.group = group;
        }
    }

    private static final class Session {
        final String id;
        final Set<Run> runs = ConcurrentHashMap.newKeySet();
        /** Guarded by the session's monitor. */
        Map<String, String> env;
        String cwd;
        volatile boolean closed;

        Session(String id, Map<String, String> env, String cwd) {
            this.id = id;
            this.env = env;
            this.cwd = cwd;
        }

        void close(BashSessions owner) {
            synchronized (this) {
                closed = true;
            }
            for (Run run : List.copyOf(runs)) {
                owner.kill(run, ProcessGroups.Signal.KILL);
            }
        }
    }
}
