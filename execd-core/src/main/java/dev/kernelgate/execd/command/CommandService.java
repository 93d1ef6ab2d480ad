package dev.kernelgate.execd.command;

import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.execd.ExecdErrorCode;
import dev.kernelgate.kernels.DaemonThreads;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shell commands for {@code /command} (upstream {@code pkg/runtime/command.go}) and keeps their status.
 *
 * <p>Each command is {@code bash -c <command>} ({@code sh} without bash) in a process group of its own
 * ({@code setsid}), optionally as another uid/gid ({@link UserSwitch}), with stdin {@code /dev/null}, the
 * {@link CommandEnvironment}, and a validated, expanded working directory ({@link PathExpander}).
 * <ul>
 *   <li>Foreground: events {@code init} (after the start), output lines as they are written
 *       ({@link PipedExecution}), then {@code execution_complete} or {@code error}. The listener leaving does not
 *       stop the command. Processes the command leaves behind in its group keep running, as upstream.</li>
 *   <li>Background: {@code init}, then {@code execution_complete} at once; stdout and stderr go to one output file
 *       read through {@link #logs}; when the command exits, what is left of its group is killed (as upstream).</li>
 *   <li>A timeout kills the group (SIGKILL); {@link #interrupt} sends SIGTERM, waits up to 3 s for the group to
 *       go, then SIGKILL.</li>
 * </ul>
 * Finished commands are remembered up to a bound (the oldest are forgotten, with their output files); running
 * ones always. Thread-safe. {@link #close()} kills every running command.
 */
public final class CommandService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandService.class);

    /** Finished commands remembered by default. */
    public static final int DEFAULT_MAX_FINISHED = 1000;
    /** Most bytes one {@code logs} call returns; the cursor tells the client where to go on. */
    public static final int MAX_LOG_CHUNK = 8 * 1024 * 1024;
    static final long INTERRUPT_GRACE_MILLIS = 3000;
    static final File DEV_NULL = new File("/dev/null");
    private static final String EXEC_ERROR = "CommandExecError";

    private final CommandEnvironment environment;
    private final PathExpander paths;
    private final Path workDir;
    private final Path outputDir;
    private final boolean ownsOutputDir;
    private final String shell;
    private final String bash;
    private final String setsid;
    private final UserSwitch users;
    private final int maxFinished;
    final ExecutorService io;
    final ScheduledExecutorService timer;
    final ExitSweeper sweeper;

    private final Object registryLock = new Object();
    private final Map<String, CommandRecord> records = new HashMap<>();
    private final ArrayDeque<String> finishedOrder = new ArrayDeque<>();
    private volatile boolean closed;

    /** Process environment, {@code config.envsFile()}, {@link #DEFAULT_MAX_FINISHED}. */
    public CommandService(ExecdConfig config) {
        this(config, CommandEnvironment.ofProcess(config.envsFile()), DEFAULT_MAX_FINISHED);
    }

    /**
     * @param config      {@code workDir} (default working directory, base of relative ones) and
     *                    {@code commandOutputDir} (background output files; a temporary directory when null)
     * @param maxFinished how many finished commands stay queryable
     */
    public CommandService(ExecdConfig config, CommandEnvironment environment, int maxFinished) {
        if (maxFinished < 1) {
            throw new IllegalArgumentException("maxFinished must be positive");
        }
        this.environment = environment;
        this.workDir = config.workDir();
        this.paths = PathExpander.forCurrentProcess(workDir);
        this.maxFinished = maxFinished;
        try {
            if (config.commandOutputDir() != null) {
                this.outputDir = Files.createDirectories(config.commandOutputDir());
                this.ownsOutputDir = false;
            } else {
                this.outputDir = Files.createTempDirectory("kernelgate-commands-");
                this.ownsOutputDir = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the command output directory", e);
        }
        String path = environment.processEnv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        this.bash = which("bash", path);
        String sh = which("sh", path);
        this.shell = bash != null ? bash : sh != null ? sh : "sh";
        this.setsid = which("setsid", path + ":/usr/bin:/bin");
        if (setsid == null) {
            log.warn("setsid not found: commands share execd's process group; kills reach their process tree only");
        }
        this.users = UserSwitch.detect();
        this.io = Executors.newCachedThreadPool(DaemonThreads.named("kernelgate-command-io"));
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, DaemonThreads.named("kernelgate-command-timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        this.sweeper = new ExitSweeper(scheduler);
    }

    /**
     * Starts {@code request} asynchronously. The future fails with a {@link CommandException} (400, bad working
     * directory) before any listener call, or completes once {@code init} went out; everything after that,
     * including a failed start, reaches the listener as events.
     */
    public CompletableFuture<Void> start(RunCommandRequest request, ExecutionListener listener) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        try {
            io.execute(() -> {
                Prepared prepared;
                try {
                    prepared = prepare(request);
                } catch (CommandException e) {
                    started.completeExceptionally(e);
                    return;
                } catch (RuntimeException e) {
                    started.completeExceptionally(CommandException.runtime("error running commands " + e));
                    return;
                }
                try {
                    if (request.background()) {
                        runBackground(prepared, listener, started);
                    } else {
                        runForeground(prepared, listener, started);
                    }
                } catch (RuntimeException e) {
                    log.error("command failed to run", e);
                    started.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            started.completeExceptionally(CommandException.runtime("error running commands: execd is shutting down"));
        }
        return started;
    }

    /** {@code GET /command/status/{id}}; an unknown id is 404 {@code INVALID_REQUEST_BODY} (upstream's quirk). */
    public CommandStatus status(String id) throws CommandException {
        CommandRecord record = find(id);
        if (record == null) {
            throw new CommandException(404, ExecdErrorCode.INVALID_REQUEST_BODY, "command not found: " + id);
        }
        return record.status();
    }

    /** Whether {@code id} names a remembered command. */
    public boolean contains(String id) {
        return find(id) != null;
    }

    /**
     * Output of background command {@code id} from byte {@code cursor} (a negative cursor counts as 0) to the
     * current end, at most {@link #MAX_LOG_CHUNK} bytes, and the cursor to continue from. Blocking (file I/O).
     */
    public LogChunk logs(String id, long cursor) throws CommandException {
        CommandRecord record = find(id);
        if (record == null) {
            throw CommandException.invalid("command not found: " + id);
        }
        if (!record.background) {
            throw CommandException.invalid("command " + id + " is not running in background");
        }
        long from = Math.max(0, cursor);
        try (FileChannel channel = FileChannel.open(record.outputFile, StandardOpenOption.READ)) {
            long size = channel.size();
            if (from >= size) {
                return new LogChunk(new byte[0], from);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size - from, MAX_LOG_CHUNK));
            long position = from;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    break;
                }
                position += n;
            }
            byte[] data = buffer.position() == buffer.capacity() ? buffer.array()
                    : java.util.Arrays.copyOf(buffer.array(), buffer.position());
            return new LogChunk(data, position);
        } catch (IOException e) {
            throw CommandException.invalid("error open combined output file for command " + id + ": " + e);
        }
    }

    /**
     * {@code DELETE /command?id=}: SIGTERM to the command's group, up to 3 s for it to go, then SIGKILL. The
     * future fails with 500 {@code RUNTIME_ERROR} for an unknown or finished command, else completes when the
     * group is gone or was sent SIGKILL.
     */
    public CompletableFuture<Void> interrupt(String id) {
        CommandRecord record = find(id);
        if (record == null) {
            return CompletableFuture.failedFuture(
                    CommandException.runtime("error interruptting code context. no such session"));
        }
        long group = record.liveGroup();
        if (group <= 0 || !record.signalling(ProcessGroups.Signal.TERM, null)) {
            return CompletableFuture.failedFuture(CommandException.runtime(
                    "error interruptting code context. command session " + id + " is not running"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            timer.execute(() -> terminate(group, record::signalling, done));
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(CommandException.runtime("error interruptting code context. shutting down"));
        }
        return done;
    }

    /** Kills every running command and forgets everything. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CommandRecord> all;
        synchronized (registryLock) {
            all = new ArrayList<>(records.values());
            records.clear();
            finishedOrder.clear();
        }
        for (CommandRecord record : all) {
            long group = record.liveGroup();
            if (group > 0 && record.signalling(ProcessGroups.Signal.KILL, "shutdown")) {
                signalGroup(group, ProcessGroups.Signal.KILL);
            }
        }
        timer.shutdownNow();
        io.shutdownNow();
        if (ownsOutputDir) {
            deleteTree(outputDir);
        } else {
            for (CommandRecord record : all) {
                deleteQuietly(record.outputFile);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running

    private record Prepared(RunCommandRequest request, Map<String, String> env, Path directory) {
    }

    private Prepared prepare(RunCommandRequest request) throws CommandException {
        Map<String, String> env = environment.build(request.envs());
        return new Prepared(request, env, workingDirectory(request.cwd(), env));
    }

    /** Expands and validates a requested working directory (400 when unusable); empty means {@code workDir}. */
    Path workingDirectory(String cwd, Map<String, String> env) throws CommandException {
        if (cwd == null || cwd.isEmpty()) {
            return workDir;
        }
        String expanded;
        try {
            expanded = paths.expand(cwd, env);
        } catch (PathExpander.UndefinedVariableException e) {
            throw validation("cannot resolve working directory \"" + cwd + "\": " + e.getMessage());
        }
        Path dir;
        try {
            dir = Path.of(expanded);
        } catch (InvalidPathException e) {
            throw validation("cannot access working directory \"" + cwd + "\": " + e.getMessage());
        }
        if (!Files.exists(dir)) {
            throw validation("working directory does not exist: " + cwd);
        }
        if (!Files.isDirectory(dir)) {
            throw validation("working directory path is not a directory: " + cwd);
        }
        return dir;
    }

    private static CommandException validation(String detail) {
        return CommandException.invalid("invalid request, validation error " + detail);
    }

    private ProcessBuilder builder(Prepared p) throws IOException {
        List<String> argv = new ArrayList<>(8);
        if (setsid != null) {
            argv.add(setsid);
        }
        if (p.request().uid() != null) {
            argv.addAll(users.prefix(p.request().uid(), p.request().gid()));
        }
        argv.add(shell);
        argv.add("-c");
        argv.add(p.request().command());
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        if (p.directory() != null) {
            builder.directory(p.directory().toFile());
        }
        applyEnvironment(builder, p.env());
        return builder;
    }

    private void runForeground(Prepared p, ExecutionListener listener, CompletableFuture<Void> started) {
        long t0 = System.nanoTime();
        CommandRecord record = new CommandRecord(newId(), p.request().command(), false, Instant.now(), null);
        Process process;
        try {
            process = builder(p).start();
        } catch (IOException | RuntimeException e) {
            startFailed(record, listener, e);
            started.complete(null);
            return;
        }
        record.started(process.pid());
        register(record);
        listener.init(record.id);
        started.complete(null);
        ScheduledFuture<?> timeout = scheduleTimeout(record, p.request().timeoutMillis());
        new PipedExecution(process, false, listener, io, timer, sweeper, exitValue -> {
            if (timeout != null) {
                timeout.cancel(false);
            }
            ExitOutcome outcome = ExitOutcome.of(exitValue, record.signalSent());
            finished(record, outcome);
            if (outcome.success()) {
                listener.complete(millisSince(t0));
            } else {
                listener.error(EXEC_ERROR, outcome.evalue(), List.of(outcome.error()));
            }
        }).run();
    }

    private void runBackground(Prepared p, ExecutionListener listener, CompletableFuture<Void> started) {
        long t0 = System.nanoTime();
        String id = newId();
        Path output = outputDir.resolve(id + ".output");
        CommandRecord record = new CommandRecord(id, p.request().command(), true, Instant.now(), output);
        register(record);
        listener.init(id);
        started.complete(null);
        Process process;
        try {
            Files.newOutputStream(output).close();
            process = builder(p)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            startFailed(record, listener, e);
            return;
        }
        record.started(process.pid());
        ScheduledFuture<?> timeout = scheduleTimeout(record, p.request().timeoutMillis());
        long group = process.pid();
        process.onExit().whenCompleteAsync((proc, failure) -> {
            if (timeout != null) {
                timeout.cancel(false);
            }
            finished(record, ExitOutcome.of(proc.exitValue(), record.signalSent()));
            // As upstream: a background command's group ends with it.
            if (groupAlive(group)) {
                signalGroup(group, ProcessGroups.Signal.KILL);
            }
        }, io);
        listener.complete(millisSince(t0));
    }

    private void startFailed(CommandRecord record, ExecutionListener listener, Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        log.warn("command {} failed to start: {}", record.id, message);
        register(record);
        if (!record.background) {
            listener.init(record.id);
        }
        finished(record, new ExitOutcome(255, message));
        listener.error(EXEC_ERROR, message, List.of(message));
    }

    private ScheduledFuture<?> scheduleTimeout(CommandRecord record, long millis) {
        if (millis <= 0) {
            return null;
        }
        try {
            return timer.schedule(() -> {
                long group = record.liveGroup();
                if (group > 0 && record.signalling(ProcessGroups.Signal.KILL, "timeout")) {
                    log.info("command {} timed out after {} ms; killing its process group", record.id, millis);
                    signalGroup(group, ProcessGroups.Signal.KILL);
                }
            }, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * SIGTERM, then polls until the group is gone; SIGKILL once {@link #INTERRUPT_GRACE_MILLIS} passed. Runs on
     * the timer; {@code mark} records each signal before it goes (so the exit reads as a signal).
     */
    void terminate(long group, SignalMark mark, CompletableFuture<Void> done) {
        if (!signalGroup(group, ProcessGroups.Signal.TERM)) {
            done.complete(null);
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERRUPT_GRACE_MILLIS);
        pollTermination(group, mark, deadline, done, 10);
    }

    private void pollTermination(long group, SignalMark mark, long deadline, CompletableFuture<Void> done,
                                 long delayMillis) {
        try {
            timer.schedule(() -> {
                if (!groupAlive(group)) {
                    done.complete(null);
                } else if (System.nanoTime() - deadline >= 0) {
                    log.warn("process group {} outlived SIGTERM by {} ms; sending SIGKILL", group,
                            INTERRUPT_GRACE_MILLIS);
                    mark.signalling(ProcessGroups.Signal.KILL, null);
                    signalGroup(group, ProcessGroups.Signal.KILL);
                    done.complete(null);
                } else {
                    pollTermination(group, mark, deadline, done, 50);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            signalGroup(group, ProcessGroups.Signal.KILL);
            done.complete(null);
        }
    }

    /** Records a signal about to be sent. */
    @FunctionalInterface
    interface SignalMark {
        boolean signalling(ProcessGroups.Signal signal, String reason);
    }

    /** Signals a command's process group (or, without setsid, its process tree). Blocking, a few ms. */
    boolean signalGroup(long group, ProcessGroups.Signal signal) {
        if (setsid != null) {
            return ProcessGroups.signal(group, signal);
        }
        return ProcessHandle.of(group).map(leader -> {
            leader.descendants().forEach(d -> destroy(d, signal));
            return destroy(leader, signal);
        }).orElse(false);
    }

    boolean groupAlive(long group) {
        if (setsid != null) {
            return ProcessGroups.alive(group);
        }
        return ProcessHandle.of(group).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean destroy(ProcessHandle handle, ProcessGroups.Signal signal) {
        return signal == ProcessGroups.Signal.KILL ? handle.destroyForcibly() : handle.destroy();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Registry

    private CommandRecord find(String id) {
        if (id == null) {
            return null;
        }
        synchronized (registryLock) {
            return records.get(id);
        }
    }

    private void register(CommandRecord record) {
        synchronized (registryLock) {
            records.put(record.id, record);
        }
    }

    private void finished(CommandRecord record, ExitOutcome outcome) {
        record.finished(outcome.exitCode(), outcome.error());
        List<CommandRecord> evicted = new ArrayList<>();
        synchronized (registryLock) {
            if (records.get(record.id) != record) {
                return; // closed meanwhile
            }
            finishedOrder.addLast(record.id);
            while (finishedOrder.size() > maxFinished) {
                CommandRecord old = records.remove(finishedOrder.removeFirst());
                if (old != null) {
                    evicted.add(old);
                }
            }
        }
        for (CommandRecord old : evicted) {
            if (old.outputFile != null) {
                try {
                    io.execute(() -> deleteQuietly(old.outputFile));
                } catch (RejectedExecutionException e) {
                    deleteQuietly(old.outputFile);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shared with BashSessions and the pty sessions

    public CommandEnvironment environment() {
        return environment;
    }

    /** How a requested working directory is expanded ({@code ~}, {@code $VAR}, relative to {@link #workDir()}). */
    public PathExpander paths() {
        return paths;
    }

    public Path workDir() {
        return workDir;
    }

    Path scratchDir() {
        return outputDir;
    }

    /** bash, or {@code null} when there is none. */
    public String bash() {
        return bash;
    }

    /** setsid(1), or {@code null} when there is none. */
    public String setsid() {
        return setsid;
    }

    boolean isClosed() {
        return closed;
    }

    /** Sets the child's environment to exactly {@code env}, skipping what {@link ProcessBuilder} cannot pass. */
    public static void applyEnvironment(ProcessBuilder builder, Map<String, String> env) {
        Map<String, String> target = builder.environment();
        target.clear();
        env.forEach((name, value) -> {
            if (!name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\0') < 0 && value != null
                    && value.indexOf('\0') < 0) {
                target.put(name, value);
            }
        });
    }

    static String newId() {
        UUID uuid = UUID.randomUUID();
        return String.format("%016x%016x", uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static String which(String program, String path) {
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", file, e.toString());
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(CommandService::deleteQuietly);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException | UncheckedIOException e) {
            log.debug("cannot delete {}: {}", root, e.toString());
        }
    }
}
