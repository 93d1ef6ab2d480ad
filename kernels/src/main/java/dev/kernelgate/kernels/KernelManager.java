package dev.kernelgate.kernels;

import dev.kernelgate.kernels.DaemonThreads;
import dev.kernelgate.kernelspecs.KernelSpec;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.channel.EventLoopGroup;

/**
 * Starts, tracks and stops kernels from kernelspecs. Owns what makes the kernels' socket reactors
 * ({@link KernelReactors}) and a small executor for the blocking parts of a lifecycle (spawning, signalling).
 */
public final class KernelManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelManager.class);

    private final KernelManagerConfig config;
    private final KernelSpecCatalog catalog;
    private final KernelReactors reactors;
    private final ExecutorService blocking;
    private final PortAllocator ports = new PortAllocator();
    private final OwnProcessGroup processGroup = OwnProcessGroup.find(OwnProcessGroup.SETSID);
    private final Map<String, Kernel> kernels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public KernelManager(KernelManagerConfig config, KernelSpecCatalog catalog) {
        this(config, catalog, null);
    }

    /**
     * @param loops the event loops the zmtp transport runs kernels' sockets on (not owned: the caller shuts them
     *              down after closing the manager); null for a group of the manager's own
     */
    public KernelManager(KernelManagerConfig config, KernelSpecCatalog catalog, EventLoopGroup loops) {
        this.config = config;
        this.catalog = catalog;
        this.reactors = new KernelReactors(config.transport(), loops);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named("kernel-lifecycle"));
        pool.allowCoreThreadTimeOut(true);
        this.blocking = pool;
        try {
            Files.createDirectories(config.runtimeDir(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the runtime dir " + config.runtimeDir(), e);
        }
    }

    public KernelSpecCatalog catalog() {
        return catalog;
    }

    public KernelManagerConfig config() {
        return config;
    }

    /**
     * Spawns a kernel. Completes once the process runs (like jupyter_server: the REST answer does not wait for
     * kernel_info); {@link Kernel#ready()} completes when it answers. Fails with {@link KernelStartException}.
     */
    public CompletableFuture<Kernel> start(KernelStartRequest request) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("kernel manager is closed"));
        }
        return CompletableFuture.supplyAsync(() -> spawn(request), blocking);
    }

    /**
     * Spawns a kernel and waits for it to be ready. When that fails (the process exits, or does not answer within
     * {@link KernelManagerConfig#kernelInfoTimeout()}), nothing of the kernel is left by the time the future fails:
     * its process group is killed, its connection file removed and it is no longer listed.
     */
    public CompletableFuture<Kernel> startAndWait(KernelStartRequest request) {
        return start(request).thenCompose(k -> k.ready().thenApply(ignored -> k));
    }

    public Optional<Kernel> get(String id) {
        return Optional.ofNullable(kernels.get(id));
    }

    public Collection<Kernel> list() {
        return List.copyOf(kernels.values());
    }

    public CompletableFuture<Void> shutdown(String id, boolean now) {
        Kernel k = kernels.get(id);
        return k == null ? CompletableFuture.completedFuture(null) : k.shutdown(now);
    }

    /** Shuts every kernel down at once (SIGKILL to each group) and releases the transport. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Kernel k : kernels.values()) {
            stops.add(k.shutdown(true).thenCompose(ignored -> k.terminated()));
        }
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("not every kernel stopped cleanly", e);
        }
        blocking.shutdown();
        reactors.close();
    }

    private Kernel spawn(KernelStartRequest request) {
        KernelSpec spec = catalog.find(request.specName()).orElseThrow(() -> new KernelStartException(
                KernelStartException.Reason.NO_SUCH_SPEC, "No such kernel named " + request.specName()));
        String id = request.kernelId() != null ? request.kernelId() : UUID.randomUUID().toString();
        int[] p = ports.allocate(config.ip(), 5);
        ConnectionInfo info = new ConnectionInfo("tcp", config.ip(), p[0], p[1], p[2], p[3], p[4],
                UUID.randomUUID().toString(), "hmac-sha256", spec.name());
        Path file = config.runtimeDir().resolve("kernel-" + id + ".json");
        Map<String, String> env = request.env() != null ? request.env() : System.getenv();
        KernelLaunch launch = new KernelLaunch(spec, file, env, request.cwd(), processGroup);
        try {
            ConnectionFile.write(file, info);
        } catch (IOException e) {
            throw new KernelStartException(KernelStartException.Reason.IO, "cannot write connection file " + file, e);
        }
        KernelReactor reactor = reactors.open("kernel-" + id.substring(0, Math.min(8, id.length())));
        Kernel kernel = new Kernel(id, spec, info, file, launch, config, blocking, reactor, ports,
                gone -> kernels.remove(gone.id(), gone));
        kernels.put(id, kernel);
        kernel.launch();
        return kernel;
    }
}
