package dev.kernelgate.kernels;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.kernelspecs.InterruptMode;
import dev.kernelgate.kernelspecs.KernelSpec;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.SignatureHistory;
import dev.kernelgate.wire.Signer;
import dev.kernelgate.wire.WireException;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.ZmqCodec;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running kernel: its process, connection file and the reactor that owns every socket talking to it. Lifecycle operations (restart, shutdown, automatic restart) run one at a time; none blocks the caller.
 */
public final class Kernel {
    /** Lifecycle events of one kernel. Called on internal threads: return quickly, never block. */
    public interface Listener {
        /** The kernel process died unexpectedly and is being restarted. */
        default void onRestarting(Kernel kernel) {
        }

        /** A restart (automatic or requested) finished and the kernel answers again. */
        default void onRestarted(Kernel kernel) {
        }

        /** The kernel died and will not be restarted (restart limit reached or it never started). */
        default void onDead(Kernel kernel, String reason) {
        }

        /** The kernel was shut down on request; its resources are released. */
        default void onStopped(Kernel kernel) {
        }
    }

    /** What the kernel tells each open connection: its IOPub broadcasts (reactor thread), its status, its end. */
    interface Subscriber {
        void onIopub(WireMessage message);

        /** The gateway's own status news: {@code restarting} or {@code dead}. */
        void kernelStatus(String executionState);

        void kernelGone();
    }

    private static final Logger log = LoggerFactory.getLogger(Kernel.class);
    private static final long PORT_POLL_MILLIS = 5;
    /** A start whose ports do not listen for this long is logged (and again after each further period). */
    private static final long PORT_WAIT_WARN_MILLIS = 5000;
    /** Starts tried on fresh ports when a new kernel exits before binding (a port taken meanwhile), as jupyter_client. */
    private static final int START_ATTEMPTS = 3;

    /** Where the kernel is in its life. */
    public enum State { STARTING, RUNNING, RESTARTING, SHUTTING_DOWN, DEAD, STOPPED }

    private final String id;
    private final KernelSpec spec;
    /** Fixed once the kernel has started; replaced only when a first start fails before its ports listen. */
    private volatile ConnectionInfo connection;
    private final Path connectionFile;
    private final Signer signer;
    private final KernelLaunch launch;
    private final KernelManagerConfig config;
    private final Executor blocking;
    private final KernelReactor reactor;
    private final Consumer<Kernel> onGone;
    private final PortAllocator ports;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Set<Subscriber> connections = ConcurrentHashMap.newKeySet();

    private volatile Process process;
    private volatile State state = State.STARTING;
    private volatile String executionState = "starting";
    private volatile Instant lastActivity = Instant.now();
    private volatile CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean expectingExit;
    private volatile String deathReason;
    private long launchedAtNanos;
    /** Warnings logged for the current wait for the kernel's ports (the probe's one pending check at a time). */
    private long portWaitWarnings;
    private int startAttempts = 1;
    private volatile boolean socketsOpened;
    private int consecutiveRestarts;
    private CompletableFuture<Void> lifecycle = CompletableFuture.completedFuture(null);

    // Owned by the reactor thread.
    private KernelReactor.Socket shell;
    private KernelReactor.Socket control;
    /** Connections the kernel's IOPub SUB fans out to, in the order they opened; reactor thread. */
    private final List<Subscriber> iopubSubscribers = new ArrayList<>();
    private final SignatureHistory history = new SignatureHistory();
    private final MessageFactory messages = MessageFactory.withRandomSession("kernelgate");
    private final Map<String, CompletableFuture<WireMessage>> pendingReplies = new HashMap<>();
    private long iopubCount;
    private Probe probe;

    Kernel(String id, KernelSpec spec, ConnectionInfo connection, Path connectionFile, KernelLaunch launch,
           KernelManagerConfig config, Executor blocking, KernelReactor reactor, PortAllocator ports,
           Consumer<Kernel> onGone) {
        this.id = id;
        this.spec = spec;
        this.connection = connection;
        this.connectionFile = connectionFile;
        this.signer = connection.signer();
        this.launch = launch;
        this.config = config;
        this.blocking = blocking;
        this.onGone = onGone;
        this.ports = ports;
        this.reactor = reactor;
    }

    public String id() {
        return id;
    }

    public KernelSpec spec() {
        return spec;
    }

    public ConnectionInfo connectionInfo() {
        return connection;
    }

    public Path connectionFile() {
        return connectionFile;
    }

    public State state() {
        return state;
    }

    /** The last IOPub {@code execution_state} seen ({@code starting}, {@code idle}, {@code busy}), or restarting/dead. */
    public String executionState() {
        return executionState;
    }

    public Instant lastActivity() {
        return lastActivity;
    }

    /** Completes when the current process answers kernel_info and its IOPub is proven live. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The pid of the current kernel process (also its process group id). */
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    public String deathReason() {
        return deathReason;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Interrupts per the spec's interrupt_mode: SIGINT to the process group, or interrupt_request on control. */
    public CompletableFuture<Void> interrupt() {
        if (state == State.STOPPED || state == State.DEAD) {
            return CompletableFuture.failedFuture(new IllegalStateException("kernel " + id + " is not running"));
        }
        if (spec.interruptMode() == InterruptMode.MESSAGE) {
            return request(Channel.CONTROL, "interrupt_request", Json.object(), Duration.ofSeconds(5))
                    .thenApply(reply -> null);
        }
        return ready.thenRunAsync(this::interruptGroup, blocking);
    }

    private void interruptGroup() {
        long group = pid();
        if (!Signals.signalGroup(group, "INT")) {
            // No such group: the kernel has exited, or it runs without a group of its own (see OwnProcessGroup).
            log.error("kernel {} ({}): SIGINT to process group {} failed", id, spec.name(), group);
            throw new IllegalStateException("cannot interrupt kernel " + id + ": SIGINT to process group " + group
                    + " failed");
        }
    }

    /** Restarts in place: same id, ports and key. Completes when the new process is ready. */
    public CompletableFuture<Void> restart() {
        return serially(() -> {
            if (state == State.STOPPED || state == State.DEAD || state == State.SHUTTING_DOWN) {
                return CompletableFuture.failedFuture(new IllegalStateException("kernel " + id + " is not running"));
            }
            state = State.RESTARTING;
            return stopProcess(true)
                    .thenCompose(ignored -> relaunch())
                    .thenRun(() -> {
                        synchronized (this) {
                            consecutiveRestarts = 0;
                        }
                        listeners.forEach(l -> l.onRestarted(this));
                    });
        });
    }

    /** Graceful shutdown (shutdown_request, then SIGTERM, then SIGKILL to the group), or immediate with {@code now}. */
    public CompletableFuture<Void> shutdown(boolean now) {
        return serially(() -> {
            if (state == State.STOPPED || state == State.DEAD) {
                return CompletableFuture.completedFuture(null);
            }
            state = State.SHUTTING_DOWN;
            CompletableFuture<Void> stopped = now ? killNow() : stopProcess(false);
            return stopped.thenRun(() -> {
                release();
                state = State.STOPPED;
                listeners.forEach(l -> l.onStopped(this));
            });
        });
    }

    // ---- start and readiness -------------------------------------------------------------------------------

    /** Spawns the process (blocking: call off event loops) and starts the readiness probe. */
    void launch() {
        Process p;
        try {
            p = launch.start(config.kernelOutput());
        } catch (IOException e) {
            release();
            state = State.DEAD;
            throw new KernelStartException(KernelStartException.Reason.IO, "cannot start kernelspec '"
                    + spec.name() + "' (" + spec.specFile() + "): " + e.getMessage(), e);
        }
        synchronized (this) {
            launchedAtNanos = System.nanoTime();
        }
        process = p;
        expectingExit = false;
        CompletableFuture<Void> generation = ready;
        p.onExit().thenAccept(this::onExit);
        reactor.execute(() -> startProbe(generation, p));
        log.info("kernel {} ({}) started, pid {}", id, spec.name(), p.pid());
    }

    /** New ports, same key and connection file path (argv stays valid). */
    private void reassignPorts() {
        ConnectionInfo old = connection;
        int[] p = ports.allocate(old.ip(), 5);
        ConnectionInfo fresh = new ConnectionInfo(old.transport(), old.ip(), p[0], p[1], p[2], p[3], p[4], old.key(),
                old.signatureScheme(), old.kernelName());
        try {
            ConnectionFile.write(connectionFile, fresh);
        } catch (IOException e) {
            throw new KernelStartException(KernelStartException.Reason.IO, "cannot rewrite " + connectionFile, e);
        }
        connection = fresh;
    }

    private CompletableFuture<Void> relaunch() {
        ready = new CompletableFuture<>();
        CompletableFuture<Void> generation = ready;
        return CompletableFuture.runAsync(this::launch, blocking).thenCompose(ignored -> generation);
    }

    private static final class Probe {
        final CompletableFuture<Void> ready;
        final long iopubAtStart;
        boolean replied;
        long delay = 2;

        Probe(CompletableFuture<Void> ready, long iopubAtStart) {
            this.ready = ready;
            this.iopubAtStart = iopubAtStart;
        }
    }

    /**
     * Reactor thread. Whether the ports listen is read from /proc, which may be large and never belongs on an event
     * loop (with the zmtp transport the reactor is one of the HTTP server's): the look-up runs on the blocking pool
     * and its answer comes back here.
     */
    private void beginProbe(CompletableFuture<Void> generation, Process launched) {
        if (generation.isDone() || generation != ready || launched != process || state == State.DEAD) {
            return;
        }
        CompletableFuture<Boolean> check;
        try {
            check = CompletableFuture.supplyAsync(() -> portsListen(launched), blocking);
        } catch (RejectedExecutionException e) {
            return; // the manager is closing
        }
        check.whenComplete((listening, error) ->
                reactor.execute(() -> {
                    if (error != null) {
                        log.warn("kernel {} ({}): cannot read its ports' state", id, spec.name(), error);
                    }
                    if (Boolean.TRUE.equals(listening)) {
                        probePorts(generation, launched);
                    } else {
                        reactor.schedule(PORT_POLL_MILLIS, () -> beginProbe(generation, launched));
                    }
                }));
    }

    /** Blocking pool (one check at a time per kernel): whether every port listens; says so when it takes long. */
    private boolean portsListen(Process launched) {
        if (ListeningPorts.allListening(connection.shellPort(), connection.iopubPort(), connection.controlPort(),
                connection.stdinPort())) {
            portWaitWarnings = 0;
            return true;
        }
        long launchedAt;
        synchronized (this) {
            launchedAt = launchedAtNanos;
        }
        long waited = (System.nanoTime() - launchedAt) / 1_000_000;
        if (waited / PORT_WAIT_WARN_MILLIS > portWaitWarnings) {
            // A kernel normally listens within a second: say what it is doing, for whoever reads the log.
            portWaitWarnings++;
            log.warn("kernel {} ({}): its ports do not all listen after {} ms (shell {}, iopub {}, control {},"
                    + " stdin {}); process {} {}", id, spec.name(), waited, connection.shellPort(),
                    connection.iopubPort(), connection.controlPort(), connection.stdinPort(), launched.pid(),
                    ProcessState.describe(launched));
        }
        return false;
    }

    /** Reactor thread: the ports listen; open the manager's sockets (once) and ask for kernel_info. */
    private void probePorts(CompletableFuture<Void> generation, Process launched) {
        if (generation.isDone() || generation != ready || launched != process || state == State.DEAD) {
            return;
        }
        if (shell == null) {
            socketsOpened = true;
            shell = reactor.open(KernelReactor.Kind.DEALER, connection.endpoint(Channel.SHELL), null, this::onReply);
            control = reactor.open(KernelReactor.Kind.DEALER, connection.endpoint(Channel.CONTROL), null, this::onReply);
            reactor.open(KernelReactor.Kind.SUB, connection.endpoint(Channel.IOPUB), null, this::onIopub);
        }
        Probe p = new Probe(generation, iopubCount);
        probe = p;
        sendProbe(p);
    }

    private void startProbe(CompletableFuture<Void> generation, Process launched) {
        // A deadline, so a kernel that became ready holds no timer for the rest of the timeout.
        reactor.deadline(generation, config.kernelInfoTimeout().toMillis(), () -> probeTimedOut(generation, launched));
        beginProbe(generation, launched);
    }

    /** Reactor thread: the process runs but did not become ready in time; it must not be left running. */
    private void probeTimedOut(CompletableFuture<Void> generation, Process launched) {
        if (generation.isDone() || launched != process) {
            return; // an earlier attempt's timer (START_ATTEMPTS), or already settled
        }
        probe = null;
        String why = "did not answer kernel_info within " + describe(config.kernelInfoTimeout());
        KernelStartException timeout = new KernelStartException(KernelStartException.Reason.TIMEOUT,
                "kernelspec '" + spec.name() + "' (" + spec.specFile() + "): kernel " + id + " " + why
                        + "; its process was killed");
        if (state == State.STARTING) {
            log.warn("kernel {} ({}) {}; killing it", id, spec.name(), why);
            failStart(why, timeout);
            return;
        }
        generation.completeExceptionally(timeout);
        if (state == State.RESTARTING) {
            // Killed, the relaunch is a failed restart like one that exited: onExit counts it toward the limit.
            log.warn("kernel {} ({}) {} after a restart; killing it", id, spec.name(), why);
            CompletableFuture.runAsync(() -> Signals.signalGroup(launched.pid(), "KILL"), blocking);
        }
    }

    private static String describe(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private void sendProbe(Probe p) {
        if (p.ready.isDone() || probe != p) {
            return;
        }
        requestOnReactor(shell, "kernel_info_request", Json.object()).thenAccept(reply -> {
            p.replied = true;
            probeProgress(p);
        });
    }

    private void probeProgress(Probe p) {
        if (p.ready.isDone() || probe != p || !p.replied || state == State.DEAD) {
            return;
        }
        if (iopubCount > p.iopubAtStart) {
            probe = null;
            if (state == State.STARTING || state == State.RESTARTING) {
                state = State.RUNNING;
            }
            p.ready.complete(null);
            return;
        }
        // Replied but IOPub not yet seen: the subscription may not be live; ask again shortly.
        long delay = p.delay;
        p.delay = Math.min(p.delay * 2, 200);
        reactor.schedule(delay, () -> sendProbe(p));
    }

    /** Reactor thread: {@code c} receives every IOPub message from now on. */
    void subscribeIopub(Subscriber c) {
        iopubSubscribers.add(c);
    }

    /** Reactor thread. */
    void unsubscribeIopub(Subscriber c) {
        iopubSubscribers.remove(c);
    }

    // ---- messages on the manager's own sockets (reactor thread) ---------------------------------------------

    private void onIopub(List<byte[]> frames) {
        WireMessage m = decode(frames, "iopub");
        if (m == null) {
            return;
        }
        iopubCount++;
        lastActivity = Instant.now();
        if ("status".equals(m.msgType())) {
            String s = Json.peekString(m.content(), "execution_state");
            if (s != null && state != State.RESTARTING && state != State.DEAD) {
                executionState = s;
                if (state == State.DEAD) {
                    // die() ran between the check and the write: its "dead" must be the last word.
                    executionState = "dead";
                }
            }
        }
        if (probe != null) {
            probeProgress(probe);
        }
        for (int i = 0; i < iopubSubscribers.size(); i++) {
            iopubSubscribers.get(i).onIopub(m);
        }
    }

    private void onReply(List<byte[]> frames) {
        WireMessage m = decode(frames, "shell/control");
        if (m == null) {
            return;
        }
        CompletableFuture<WireMessage> waiting = pendingReplies.remove(m.parentMsgId());
        if (waiting != null) {
            waiting.complete(m);
        }
    }

    private WireMessage decode(List<byte[]> frames, String channel) {
        try {
            return ZmqCodec.decode(frames, signer, history);
        } catch (WireException e) {
            // IOPub is shared by every connection: name the session the message claims to answer (unverified).
            log.warn("kernel {} session {}: dropped a {} message: {}", id, claimedParentSession(frames), channel,
                    e.getMessage());
            return null;
        }
    }

    private static String claimedParentSession(List<byte[]> frames) {
        for (int i = 0; i + 3 < frames.size(); i++) {
            if (java.util.Arrays.equals(frames.get(i), ZmqCodec.DELIMITER)) {
                String session = Json.peekString(frames.get(i + 3), "session");
                return session == null ? "(none)" : session;
            }
        }
        return "(none)";
    }

    private CompletableFuture<WireMessage> requestOnReactor(KernelReactor.Socket socket, String msgType, ObjectNode content) {
        Message request = messages.request(msgType, content);
        CompletableFuture<WireMessage> reply = new CompletableFuture<>();
        pendingReplies.put(request.header().msgId(), reply);
        socket.send(ZmqCodec.encode(request.toWire(), signer));
        return reply;
    }

    /** Sends a request on the manager's shell or control socket and waits for its reply. */
    CompletableFuture<WireMessage> request(Channel channel, String msgType, ObjectNode content, Duration timeout) {
        CompletableFuture<WireMessage> result = new CompletableFuture<>();
        boolean handed = reactor.execute(() -> {
            if (shell == null) {
                result.completeExceptionally(new IllegalStateException("kernel " + id + " has no sockets yet"));
                return;
            }
            CompletableFuture<WireMessage> reply =
                    requestOnReactor(channel == Channel.CONTROL ? control : shell, msgType, content);
            reply.whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
            });
            reactor.deadline(reply, timeout.toMillis(), () -> {
                pendingReplies.values().remove(reply);
                reply.completeExceptionally(new TimeoutException(msgType + " to kernel " + id + " timed out"));
            });
        });
        if (!handed) {
            result.completeExceptionally(new IllegalStateException("kernel " + id + " is gone"));
        }
        return result;
    }

    // ---- process exit, automatic restart, stop --------------------------------------------------------------

    private void onExit(Process exited) {
        if (exited != process || expectingExit) {
            return;
        }
        String why = "kernel process " + exited.pid() + " exited with code " + exited.exitValue();
        if (state == State.STARTING && !socketsOpened && startAttempts < START_ATTEMPTS) {
            startAttempts++;
            log.info("kernel {} ({}): {} before its ports listened; starting again on fresh ports", id,
                    spec.name(), why);
            CompletableFuture.runAsync(() -> {
                reassignPorts();
                launch();
            }, blocking).exceptionally(error -> {
                failStart("could not start again: " + error.getMessage(), error);
                return null;
            });
            return;
        }
        if (state == State.STARTING) {
            log.warn("kernel {} ({}) failed to start: {}", id, spec.name(), why);
            failStart(why + " during start-up", new KernelStartException(KernelStartException.Reason.PROCESS_EXITED,
                    "kernelspec '" + spec.name() + "' (" + spec.specFile() + "): " + why + " before it answered"
                            + " kernel_info; argv " + launch.argv()));
            return;
        }
        if (state != State.RUNNING && state != State.RESTARTING) {
            return;
        }
        log.warn("kernel {} ({}) died: {}; restarting", id, spec.name(), why);
        boolean becameReady = ready.isDone() && !ready.isCompletedExceptionally();
        state = State.RESTARTING;
        executionState = "restarting";
        ready.completeExceptionally(new IllegalStateException(why));
        listeners.forEach(l -> l.onRestarting(this));
        connections.forEach(c -> c.kernelStatus("restarting"));
        serially(() -> autoRestart(becameReady));
    }

    /** {@code becameReady}: whether the process that died had answered; only such a run can be a stable one. */
    private CompletableFuture<Void> autoRestart(boolean becameReady) {
        if (state != State.RESTARTING) {
            return CompletableFuture.completedFuture(null);
        }
        int attempt;
        synchronized (this) {
            long alive = System.nanoTime() - launchedAtNanos;
            // A relaunch killed for not answering in time counts however long the kernel_info timeout was.
            if (becameReady && alive >= config.stableStartTime().toNanos()) {
                consecutiveRestarts = 0;
            }
            attempt = ++consecutiveRestarts;
        }
        if (attempt > config.restartLimit()) {
            die("restart limit (" + config.restartLimit() + ") reached");
            return CompletableFuture.completedFuture(null);
        }
        long oldGroup = pid();
        return CompletableFuture.runAsync(() -> Signals.signalGroup(oldGroup, "KILL"), blocking)
                .thenCompose(ignored -> relaunch())
                .handle((ok, error) -> {
                    if (error == null) {
                        executionState = "starting";
                        listeners.forEach(l -> l.onRestarted(this));
                    }
                    // On failure the next process exit (or the probe timeout) is handled by onExit.
                    return null;
                });
    }

    /** Marks the kernel dead; completes once its process group is killed, the process reaped, the kernel released. */
    private CompletableFuture<Void> die(String reason) {
        deathReason = reason;
        state = State.DEAD;
        executionState = "dead";
        log.warn("kernel {} ({}) is dead: {}", id, spec.name(), reason);
        connections.forEach(c -> c.kernelStatus("dead"));
        listeners.forEach(l -> l.onDead(this, reason));
        return signalThenWait(process, "KILL", 5000).thenRunAsync(this::release, blocking);
    }

    /** A start that cannot succeed: its caller hears of {@code failure} only when nothing of the kernel is left. */
    private void failStart(String reason, Throwable failure) {
        CompletableFuture<Void> generation = ready;
        die(reason).whenComplete((ok, error) -> generation.completeExceptionally(failure));
    }

    /** shutdown_request on control, then SIGTERM, then SIGKILL to the group, each after half the wait. */
    private CompletableFuture<Void> stopProcess(boolean restart) {
        Process p = process;
        expectingExit = true;
        if (p == null || !p.isAlive()) {
            return CompletableFuture.completedFuture(null);
        }
        long half = Math.max(1, config.shutdownWait().toMillis() / 2);
        ObjectNode content = Json.object();
        content.put("restart", restart);
        if ("busy".equals(executionState) && spec.interruptMode() == InterruptMode.SIGNAL) {
            // As jupyter_client does: interrupt first, so a busy kernel can act on the shutdown request.
            CompletableFuture.runAsync(() -> Signals.signalGroup(p.pid(), "INT"), blocking);
        }
        request(Channel.CONTROL, "shutdown_request", content, Duration.ofMillis(half));
        return exited(p, half)
                .thenCompose(done -> done ? CompletableFuture.completedFuture(true)
                        : signalThenWait(p, "TERM", half))
                .thenCompose(done -> done ? CompletableFuture.completedFuture(true)
                        : signalThenWait(p, "KILL", 5000))
                .thenAcceptAsync(done -> {
                    if (!done) {
                        log.error("kernel {} process {} survived SIGKILL", id, p.pid());
                    }
                    Signals.signalGroup(p.pid(), "KILL");
                }, blocking);
    }

    private CompletableFuture<Void> killNow() {
        Process p = process;
        expectingExit = true;
        if (p == null) {
            return CompletableFuture.completedFuture(null);
        }
        return signalThenWait(p, "KILL", 5000).thenApply(done -> null);
    }

    private CompletableFuture<Boolean> signalThenWait(Process p, String signal, long millis) {
        return CompletableFuture.runAsync(() -> Signals.signalGroup(p.pid(), signal), blocking)
                .thenCompose(ignored -> exited(p, millis));
    }

    private static CompletableFuture<Boolean> exited(Process p, long millis) {
        return p.onExit().thenApply(x -> true).completeOnTimeout(false, millis, TimeUnit.MILLISECONDS);
    }

    /** Closes connections and sockets, stops the reactor and removes the connection file. Idempotent. */
    private void release() {
        connections.forEach(Subscriber::kernelGone);
        connections.clear();
        reactor.close();
        try {
            Files.deleteIfExists(connectionFile);
        } catch (IOException e) {
            log.warn("cannot remove connection file {}", connectionFile, e);
        }
        onGone.accept(this);
    }

    private synchronized CompletableFuture<Void> serially(Supplier<CompletableFuture<Void>> operation) {
        CompletableFuture<Void> next = lifecycle.handle((ok, error) -> null).thenCompose(ignored -> operation.get());
        lifecycle = next;
        return next;
    }

    // ---- for connections ------------------------------------------------------------------------------------

    KernelReactor reactor() {
        return reactor;
    }

    Signer signer() {
        return signer;
    }

    KernelManagerConfig config() {
        return config;
    }

    /** A connection opens: it hears {@link Subscriber#kernelGone} when the kernel goes. */
    void attach(Subscriber c) {
        connections.add(c);
    }

    void forget(Subscriber c) {
        connections.remove(c);
    }

    /**
     * The event loop that owns this kernel's sockets (zmtp transport): a client connection living on it hands
     * messages to and from the kernel without crossing a thread. Null on the jeromq transport.
     */
    public EventLoop eventLoop() {
        return reactor.eventLoop();
    }

    /** Completes when the kernel's reactor thread has ended and its sockets are closed. */
    public CompletableFuture<Void> terminated() {
        return reactor.terminated();
    }

    @Override
    public String toString() {
        return "Kernel[" + id + ", " + spec.name() + ", " + state + "]";
    }
}
