package dev.kernelgate.runtime.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.InternalEndpoint;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes as child execd processes on this host, started by {@link ChildLauncher} (own directory, session,
 * environment, rlimits) or taken warm from the {@link WarmPool}, with cgroup limits where a cgroup is writable.
 * Endpoints are upstream's bridge form, {@code 127.0.0.1:<execd port>/proxy/<port>}, which each execd serves for
 * 44772 in-process.
 */
public final class LocalRuntime implements SandboxRuntime {
    public static final String TYPE = "local";
    private static final Logger log = LoggerFactory.getLogger(LocalRuntime.class);

    private static final Duration POLL = Duration.ofMillis(2);

    private final Path stateDir;
    private final LocalSettings settings;
    private final HostPathPolicy hostPaths;
    private final LocalVolumes volumes;
    private final ChildLauncher launcher;
    private final WarmPool pool;
    private final Optional<CgroupLimits> cgroups;
    private final String cgroupPrefix;
    private final Map<String, LocalSandbox> sandboxes = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    /** The child writing the CDS archive while it runs, so {@link #close()} can stop it too. */
    private volatile ChildLauncher.Child training;

    /** A started sandbox: its child, where it listens, and what to clean up. */
    private record LocalSandbox(SandboxSpec spec, ChildLauncher.Child child, int port, List<Path> cgroupDirs,
                                List<String> volumesToDelete, boolean paused) {
        LocalSandbox withPaused(boolean p) {
            return new LocalSandbox(spec, child, port, cgroupDirs, volumesToDelete, p);
        }

        SandboxDirectory dir() {
            return child.dir();
        }

        Process execd() {
            return child.process();
        }
    }

    /**
     * @param hostPaths which host paths volumes may link to
     * @param tls       the PEM files children's execds serve TLS with, or null for plain HTTP
     */
    LocalRuntime(Path stateDir, LocalSettings settings, HostPathPolicy hostPaths, Map<String, String> serverEnv,
                 ChildJvm jvm, ChildLauncher.TlsFiles tls) {
        this.stateDir = stateDir.toAbsolutePath();
        this.settings = settings;
        this.hostPaths = hostPaths;
        this.volumes = new LocalVolumes(this.stateDir);
        this.cgroups = CgroupLimits.detect();
        this.cgroupPrefix = "kernelgate-" + Integer.toHexString(this.stateDir.toString().hashCode()) + "-";
        try {
            Files.createDirectories(this.stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local runtime's state directory " + stateDir, e);
        }
        if (!jvm.usable()) {
            throw new IllegalArgumentException("the local runtime cannot start child JVMs: class path entries of "
                    + jvm.classPath() + " are missing");
        }
        this.launcher = new ChildLauncher(this.stateDir, settings, serverEnv, jvm, tls);
        this.pool = new WarmPool(settings.warmPoolSize(), launcher, child -> cleanup(child, List.of()));
        if (cgroups.isEmpty()) {
            log.info("no writable cgroup: cpu/memory limits are recorded but not enforced; rlimits still apply");
        }
    }

    /** A runtime that allows no host volumes. */
    public LocalRuntime(Path stateDir, LocalSettings settings, Map<String, String> serverEnv) {
        this(stateDir, settings, new HostPathPolicy(List.of()), serverEnv, ChildJvm.current(), null);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Host and named ({@code pvc}) volumes only, and none mounted inside another: a volume is a link, so a second
     * volume below it would be written into the first one's directory.
     */
    @Override
    public void validate(SandboxSpec spec) {
        for (SandboxSpec.VolumeSpec v : spec.volumes()) {
            if (!"host".equals(v.kind()) && !"pvc".equals(v.kind())) {
                throw new SandboxException(400, "VOLUME::UNSUPPORTED_BACKEND", "The local runtime supports host "
                        + "and pvc (named) volumes only, not " + v.kind() + " (volume " + v.name() + ").");
            }
            if (v.pvc() != null) {
                try {
                    volumes.check(v);
                } catch (IOException e) {
                    throw new SandboxException(500, "LOCAL::VOLUME_UNAVAILABLE", "Volume '" + v.name()
                            + "': cannot look at named volume '" + v.pvcClaimName() + "': " + e, e);
                }
            }
            for (SandboxSpec.VolumeSpec other : spec.volumes()) {
                if (other != v && Path.of(v.mountPath()).startsWith(Path.of(other.mountPath()))) {
                    throw new SandboxException(400, "VOLUME::INVALID_MOUNT_PATH", "Volume '" + v.name()
                            + "' mountPath " + v.mountPath() + " lies inside volume '" + other.name()
                            + "', which the local runtime cannot mount (its volumes are links).");
                }
            }
        }
    }

    @Override
    public SandboxStatus create(SandboxSpec spec) {
        ChildLauncher.Child child = null;
        List<Path> cgroupDirs = List.of();
        List<String> createdVolumes = new ArrayList<>();
        try {
            Optional<ChildLauncher.Child> warm = pool.take();
            child = warm.isPresent() ? warm.get() : launcher.spawn(ChildLauncher.Mode.COLD);
            SandboxDirectory dir = child.dir();
            linkVolumes(spec, dir, createdVolumes);
            // For people and restarts looking at the directory; the env stays out (it may hold secrets).
            dir.write(SandboxDirectory.SPEC, json.writeValueAsString(Map.of("id", spec.id(),
                    "entrypoint", spec.entrypoint(), "image", spec.image().uri())));
            if (cgroups.isPresent() && (spec.resources().cpuMillis() > 0 || spec.resources().memoryBytes() > 0
                    || settings.pidsLimit() > 0)) {
                cgroupDirs = cgroups.get().apply(cgroupPrefix + spec.id(), child.process().pid(), spec.resources(),
                        settings.pidsLimit());
            }
            launcher.assign(child, spec.env(), spec.entrypoint());
            int port = awaitPort(dir, child.process());
            List<String> toDelete = spec.volumes().stream().filter(v -> v.pvc() != null
                    && v.pvc().deleteOnSandboxTermination() && createdVolumes.contains(v.pvc().claimName()))
                    .map(SandboxSpec.VolumeSpec::pvcClaimName).distinct().toList();
            sandboxes.put(spec.id(), new LocalSandbox(spec, child, port, cgroupDirs, toDelete, false));
            return SandboxStatus.of(SandboxState.RUNNING);
        } catch (IOException e) {
            cleanup(child, cgroupDirs);
            removeUnused(createdVolumes);
            throw new SandboxException(500, "LOCAL::SANDBOX_START_FAILED", "Cannot start the sandbox: " + e, e);
        } catch (RuntimeException e) {
            cleanup(child, cgroupDirs);
            removeUnused(createdVolumes);
            throw e;
        }
    }

    /** Removes those of the named volumes no live sandbox names. */
    private void removeUnused(List<String> claims) {
        List<SandboxSpec> live = sandboxes.values().stream().map(LocalSandbox::spec).toList();
        LocalVolumes.unused(claims, live).forEach(volumes::remove);
    }

    /**
     * Volumes appear as symlinks at their mount path under the workspace (no mount namespace here), pointing at the
     * real path the policy checked (host) or at the named volume's directory (pvc). The parser normalised the mount
     * path to stay below the workspace; the check here keeps that true whatever a caller passes.
     *
     * @param created collects the named volumes this call created
     */
    private void linkVolumes(SandboxSpec spec, SandboxDirectory dir, List<String> created) throws IOException {
        Path workspace = dir.workspace().normalize();
        for (SandboxSpec.VolumeSpec v : spec.volumes()) {
            Path target;
            if (v.pvc() != null) {
                LocalVolumes.Resolved resolved = volumes.resolve(v);
                if (resolved.created()) {
                    created.add(v.pvc().claimName());
                }
                target = resolved.target();
            } else {
                target = hostPaths.check(v.name(), v.hostPath(), v.subPath());
            }
            Path link = workspace.resolve(v.mountPath().substring(1)).normalize();
            if (!link.startsWith(workspace) || link.equals(workspace)) {
                throw new SandboxException(400, "VOLUME::INVALID_MOUNT_PATH", "Volume '" + v.name()
                        + "' mountPath " + v.mountPath() + " leaves the sandbox's workspace.");
            }
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, target);
        }
    }

    private int awaitPort(SandboxDirectory dir, Process child) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.startupTimeoutSeconds());
        while (System.nanoTime() < deadline) {
            Optional<String> port = dir.read(SandboxDirectory.PORT);
            if (port.isPresent() && !port.get().isEmpty()) {
                return Integer.parseInt(port.get());
            }
            if (!child.isAlive()) {
                throw new SandboxException(500, "LOCAL::SANDBOX_EXECD_START_FAILED", "execd exited with "
                        + child.exitValue() + " before listening: " + dir.tail(SandboxDirectory.EXECD_LOG, 2000));
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        throw new SandboxException(500, "LOCAL::SANDBOX_EXECD_START_FAILED", "execd did not listen within "
                + settings.startupTimeoutSeconds() + " s: " + dir.tail(SandboxDirectory.EXECD_LOG, 2000));
    }

    @Override
    public Optional<SandboxStatus> inspect(String id) {
        LocalSandbox s = sandboxes.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (s.execd().isAlive()) {
            return Optional.of(SandboxStatus.of(s.paused() ? SandboxState.PAUSED : SandboxState.RUNNING));
        }
        // The sandbox ended by itself: whatever it left running goes now, as a stopped container's would.
        SandboxProcesses.killAll(s.child().marker()::equals, s.execd().pid());
        String exit = s.dir().read(SandboxDirectory.EXIT).orElse(null);
        if (exit == null) {
            return Optional.of(SandboxStatus.failed("ExecdExited", "execd exited with " + s.execd().exitValue()));
        }
        String code = exit.split(" ", 2)[0];
        return Optional.of(code.equals("0")
                ? new SandboxStatus(SandboxState.TERMINATED, "EntrypointExited", "The entrypoint exited with 0.")
                : SandboxStatus.failed("EntrypointFailed", "The entrypoint exited with " + exit + "."));
    }

    @Override
    public void pause(String id) {
        LocalSandbox s = require(id);
        if (!SandboxProcesses.signal("STOP", SandboxProcesses.find(s.child().marker()::equals, s.execd().pid()))) {
            throw new SandboxException(500, "LOCAL::SANDBOX_PAUSE_FAILED", "Could not stop every process of " + id);
        }
        sandboxes.put(id, s.withPaused(true));
    }

    @Override
    public void resume(String id) {
        LocalSandbox s = require(id);
        if (!SandboxProcesses.signal("CONT", SandboxProcesses.find(s.child().marker()::equals, s.execd().pid()))) {
            throw new SandboxException(500, "LOCAL::SANDBOX_RESUME_FAILED", "Could not continue every process of "
                    + id);
        }
        sandboxes.put(id, s.withPaused(false));
    }

    @Override
    public void delete(String id) {
        LocalSandbox s = sandboxes.remove(id);
        if (s != null) {
            cleanup(s.child(), s.cgroupDirs());
            removeUnused(s.volumesToDelete());
        }
    }

    /** Kills every process of the child, then removes its cgroups and directory. */
    private static void cleanup(ChildLauncher.Child child, List<Path> cgroupDirs) {
        if (child == null) {
            return;
        }
        SandboxProcesses.killAll(child.marker()::equals, child.process().pid());
        child.process().destroyForcibly();
        try {
            child.process().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CgroupLimits.remove(cgroupDirs);
        child.dir().deleteRecursively();
    }

    @Override
    public SandboxEndpoint endpoint(String id, int port) {
        LocalSandbox s = require(id);
        return new SandboxEndpoint("127.0.0.1:" + s.port() + "/proxy/" + port, Map.of());
    }

    /**
     * The child's execd for 44772 (it listens on a port of its own, with the server's certificate when the server
     * serves HTTPS), else the port itself: sandboxes share the host's loopback.
     */
    @Override
    public InternalEndpoint internalEndpoint(String id, int port) {
        LocalSandbox s = require(id);
        return port == ExecdConfig.DEFAULT_PORT
                ? new InternalEndpoint("127.0.0.1", s.port(), "", Map.of(), launcher.scheme().equals("https"))
                : InternalEndpoint.direct("127.0.0.1", port);
    }

    /**
     * Local sandboxes cannot outlive their server (their ports and processes belong to it), so whatever an earlier
     * server left is reaped: every process carrying this state directory's marker, the directories and cgroups.
     */
    @Override
    public List<RecoveredSandbox> recover() {
        String prefix = launcher.markerPrefix();
        int killed = SandboxProcesses.killAll(m -> m.startsWith(prefix), -1);
        int dirs = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(stateDir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry) && !entry.equals(volumes.root())) {
                    reapLeftover(new SandboxDirectory(entry));
                    dirs++;
                }
            }
        } catch (IOException e) {
            log.warn("cannot list {}: {}", stateDir, e.toString());
        }
        cgroups.ifPresent(c -> CgroupLimits.remove(c.leftovers(cgroupPrefix)));
        if (killed > 0 || dirs > 0) {
            log.info("reaped {} processes and {} sandbox directories left by an earlier server", killed, dirs);
        }
        // Only now: warm children started earlier would have been reaped with the leftovers.
        pool.start();
        launcher.archive().filter(a -> !a.ready()).ifPresent(this::trainArchive);
        return List.of();
    }

    /** A leftover whose recorded execd may have dropped the marker: kill its session too if the pid is still it. */
    private static void reapLeftover(SandboxDirectory dir) {
        dir.read(SandboxDirectory.PID).ifPresent(line -> {
            String[] f = line.split(" ");
            try {
                long pid = Long.parseLong(f[0]);
                ProcessHandle.of(pid).ifPresent(h -> {
                    String started = h.info().startInstant().map(Object::toString).orElse("-");
                    if (f.length > 1 && f[1].equals(started)) {
                        SandboxProcesses.killAll(m -> false, pid);
                    }
                });
            } catch (NumberFormatException ignored) {
                // not a pid file of ours
            }
        });
        dir.deleteRecursively();
    }

    /** One child warms up and exits in the background, writing the CDS archive later children start from. */
    private void trainArchive(ClassDataArchive archive) {
        Thread trainer = new Thread(() -> {
            ChildLauncher.Child child = null;
            try {
                child = launcher.spawn(ChildLauncher.Mode.TRAIN);
                training = child;
                child.stdin().close(); // no assignment: it exits right after warming up
                if (child.process().waitFor(120, TimeUnit.SECONDS) && archive.publish()) {
                    log.info("child execd class data archive written: {}", archive.file());
                }
            } catch (IOException e) {
                log.debug("no class data archive: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                training = null;
                cleanup(child, List.of());
            }
        }, "local-cds-training");
        trainer.setDaemon(true);
        trainer.start();
    }

    @Override
    public List<String> images() {
        return sandboxes.values().stream().map(s -> s.spec().image().uri()).distinct().sorted().toList();
    }

    /** Every sandbox goes with the server: their processes are children of it. */
    @Override
    public void close() {
        pool.close();
        ChildLauncher.Child trainer = training;
        if (trainer != null) {
            cleanup(trainer, List.of());
        }
        for (String id : List.copyOf(sandboxes.keySet())) {
            try {
                delete(id);
            } catch (RuntimeException e) {
                log.warn("deleting sandbox {} at shutdown failed", id, e);
            }
        }
    }

    private LocalSandbox require(String id) {
        LocalSandbox s = sandboxes.get(id);
        if (s == null) {
            throw new SandboxException(404, "LOCAL::SANDBOX_NOT_FOUND", "Sandbox " + id + " not found.");
        }
        return s;
    }
}
