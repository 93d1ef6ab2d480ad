package dev.kernelgate.gateway;

import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.kernels.KernelManager;
import dev.kernelgate.kernels.KernelStartRequest;
import dev.kernelgate.kernelspecs.JavaKernelSpec;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kernel Gateway's rules on top of the kernel manager: kernel names (default / forced), the kernel
 * environment filter, the kernel limit, WebSocket connection counts, a pool of prespawned kernels and culling.
 */
public final class KernelService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelService.class);

    /** A POST body's {@code env} was given (GatewayClient always sends one) or not. */
    public record StartRequest(String name, Map<String, String> env, String path) {
        public boolean hasEnv() {
            return env != null;
        }
    }

    /** The start was refused because of {@code max_kernels}. */
    public static final class ResourceLimitException extends RuntimeException {
        public ResourceLimitException() {
            super("Resource Limit");
        }
    }

    /** How long after a POST takes a pooled kernel its replacement starts. */
    private static final long POOL_REFILL_DELAY_MS = 2000;

    private final GatewayConfig config;
    private final KernelManager manager;
    private final Map<String, String> processEnv;
    private final Path rootDir;
    private final ScheduledExecutorService scheduler;
    private final String defaultKernelName;
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Deque<Kernel> pool = new ArrayDeque<>();
    /** Pool kernels that are ready (answered kernel_info) and being warmed: a POST may take one if the pool is empty. */
    private final Map<String, Kernel> readyWarming = new LinkedHashMap<>();
    /** Ids of pool kernels still starting: like pooled ones, not part of the API and not counted by the limit. */
    private final Set<String> warming = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> culler;
    private volatile boolean closed;

    public KernelService(GatewayConfig config, KernelManager manager, Map<String, String> processEnv, Path rootDir,
                         ScheduledExecutorService scheduler) {
        this.config = config;
        this.manager = manager;
        this.processEnv = Map.copyOf(processEnv);
        this.rootDir = rootDir;
        this.scheduler = scheduler;
        this.defaultKernelName = defaultKernelName(config, manager.catalog());
        if (config.prespawnCount() > 0 && config.maxKernels() > 0 && config.prespawnCount() > config.maxKernels()) {
            throw new IllegalArgumentException("prespawn_count (" + config.prespawnCount()
                    + ") may not exceed max_kernels (" + config.maxKernels() + ")");
        }
        long interval = Math.max(1, config.cullInterval().toMillis());
        this.culler = config.cullIdleTimeout().isZero() ? null
                : scheduler.scheduleWithFixedDelay(this::cull, interval, interval, TimeUnit.MILLISECONDS);
        refillPool();
    }

    public GatewayConfig config() {
        return config;
    }

    public KernelManager manager() {
        return manager;
    }

    /**
     * The name a start request resolves to: the forced name, else the requested one, else the default; {@code python}
     * means {@code python3}.
     */
    public String kernelName(String requested) {
        String name;
        if (!config.forceKernelName().isBlank()) {
            name = config.forceKernelName();
        } else {
            name = requested == null || requested.isBlank() ? defaultKernelName : requested;
        }
        // jupyter_client's KernelManager renames "python" to the native kernel, so clients (and KG's own tests)
        // may ask for "python".
        return name.equals("python") ? "python3" : name;
    }

    /**
     * The configured default, else {@code python3} as upstream; where no {@code python3} spec exists but the bundled
     * {@code java} one does (a machine without Python), {@code java}, so a client that names no kernel still gets
     * one. Decided once at start-up, off the event loop.
     */
    private static String defaultKernelName(GatewayConfig config, KernelSpecCatalog catalog) {
        String configured = config.effectiveDefaultKernelName();
        if (!configured.equals(GatewayConfig.UPSTREAM_DEFAULT_KERNEL) || catalog == null) {
            return configured;
        }
        boolean javaOnly = catalog.find(configured).isEmpty() && catalog.find(JavaKernelSpec.NAME).isPresent();
        return javaOnly ? JavaKernelSpec.NAME : configured;
    }

    /** Starts (or takes from the warm pool) a kernel; completes once its process runs. */
    public CompletableFuture<Kernel> start(StartRequest request) {
        try {
            checkKernelLimit();
        } catch (ResourceLimitException e) {
            return CompletableFuture.failedFuture(e);
        }
        String name = kernelName(request.name());
        if (!request.hasEnv() && (request.path() == null || request.path().isBlank())) {
            Kernel warm = takeFromPool(name);
            if (warm != null) {
                // Not at once: a kernel's start-up takes a core for about a second, and on a small machine it would
                // slow down the very client the warm kernel is for (its connect and first requests).
                scheduler.schedule(this::refillPool, POOL_REFILL_DELAY_MS, TimeUnit.MILLISECONDS);
                return CompletableFuture.completedFuture(warm);
            }
        }
        Map<String, String> env = kernelEnv(request.hasEnv() ? request.env() : null);
        if (request.path() == null || request.path().isBlank()) {
            return manager.start(new KernelStartRequest(name, env, rootDir, null));
        }
        // Walking the path up to an existing directory stats files: not on the caller's (event loop) thread.
        return CompletableFuture.supplyAsync(() -> new KernelStartRequest(name, env, workingDir(request.path()), null),
                scheduler).thenCompose(manager::start);
    }

    /** Throws {@link ResourceLimitException} when {@code max_kernels} kernels run (pooled ones do not count). */
    public void checkKernelLimit() {
        if (config.maxKernels() > 0 && list().size() >= config.maxKernels()) {
            throw new ResourceLimitException();
        }
    }

    /**
     * The environment a kernel starts with. With a request {@code env}: PATH, the process variables named in
     * env_process_whitelist and the request's KERNEL_* and env_whitelist variables; without: this process's
     * environment. Always KERNEL_GATEWAY=1 and never the auth token.
     */
    public Map<String, String> kernelEnv(Map<String, String> requestEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        if (requestEnv == null) {
            env.putAll(processEnv);
        } else {
            String path = processEnv.get("PATH");
            if (path != null) {
                env.put("PATH", path);
            }
            for (String name : config.envProcessWhitelist()) {
                String value = processEnv.get(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
            requestEnv.forEach((name, value) -> {
                if (value != null && (name.startsWith("KERNEL_") || config.envWhitelist().contains(name))) {
                    env.put(name, value);
                }
            });
        }
        env.remove("KG_AUTH_TOKEN");
        env.put("KERNEL_GATEWAY", "1");
        return env;
    }

    /** {@code root/path}, walked up to the nearest existing directory inside the root. */
    Path workingDir(String path) {
        if (path == null || path.isBlank()) {
            return rootDir;
        }
        Path root = rootDir.toAbsolutePath().normalize();
        Path dir = root.resolve(path.startsWith("/") ? path.substring(1) : path).normalize();
        if (!dir.startsWith(root)) {
            return root;
        }
        while (!Files.isDirectory(dir) && dir.startsWith(root) && !dir.equals(root)) {
            dir = dir.getParent();
        }
        return dir;
    }

    public Optional<Kernel> get(String id) {
        return manager.get(id).filter(k -> !isPooled(k));
    }

    public Collection<Kernel> list() {
        return manager.list().stream().filter(k -> !isPooled(k)).toList();
    }

    public int connections(Kernel kernel) {
        AtomicInteger n = connections.get(kernel.id());
        return n == null ? 0 : n.get();
    }

    public void connected(Kernel kernel) {
        connections.computeIfAbsent(kernel.id(), id -> new AtomicInteger()).incrementAndGet();
    }

    public void disconnected(Kernel kernel) {
        AtomicInteger n = connections.get(kernel.id());
        if (n != null && n.decrementAndGet() <= 0) {
            connections.remove(kernel.id(), n);
        }
    }

    public CompletableFuture<Void> shutdown(Kernel kernel) {
        return kernel.shutdown(false).whenComplete((ok, error) -> connections.remove(kernel.id()));
    }

    // ---- prespawn pool ------------------------------------------------------------------------------------------

    private synchronized boolean isPooled(Kernel kernel) {
        return pool.contains(kernel) || warming.contains(kernel.id());
    }

    private synchronized Kernel takeFromPool(String name) {
        for (var it = pool.iterator(); it.hasNext(); ) {
            Kernel k = it.next();
            if (usable(k, name)) {
                it.remove();
                return k;
            }
        }
        // None settled yet: a ready kernel still being warmed beats a cold start (its warm-up stops).
        for (var it = readyWarming.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (usable(entry.getValue(), name)) {
                it.remove();
                warming.remove(entry.getKey());
                return entry.getValue();
            }
        }
        return null;
    }

    private static boolean usable(Kernel k, String name) {
        return k.spec().name().equalsIgnoreCase(name) && k.state() != Kernel.State.DEAD
                && k.state() != Kernel.State.STOPPED;
    }

    private void refillPool() {
        // The notebook-http personality keeps a pool of its own: seeded kernels that serve requests in turn.
        if (closed || config.api() == GatewayConfig.Personality.NOTEBOOK_HTTP) {
            return;
        }
        List<String> ids = new ArrayList<>();
        synchronized (this) {
            int missing = config.prespawnCount() - pool.size() - warming.size();
            for (int i = 0; i < missing; i++) {
                String id = UUID.randomUUID().toString();
                warming.add(id); // hidden from the API from the moment the manager knows it
                ids.add(id);
            }
        }
        String name = kernelName(null);
        for (String id : ids) {
            manager.startAndWait(new KernelStartRequest(name, kernelEnv(null), rootDir, id))
                    .thenCompose(kernel -> {
                        synchronized (this) {
                            readyWarming.put(id, kernel);
                        }
                        return PrespawnWarmUp.warm(kernel, scheduler, () -> stillWarming(id));
                    })
                    .whenComplete((kernel, error) -> {
                        synchronized (this) {
                            if (error == null && readyWarming.remove(id) == null) {
                                return; // a POST took it while it was being warmed
                            }
                            readyWarming.remove(id);
                            warming.remove(id);
                            if (error == null && !closed) {
                                pool.add(kernel);
                                log.info("prespawned kernel {} ({}) is ready; {} in the pool", id, name, pool.size());
                                return;
                            }
                        }
                        if (error != null) {
                            log.warn("prespawning a '{}' kernel failed: {}", name, error.getMessage());
                        }
                        // A kernel that started but never became ready (or arrived after close) is not kept.
                        manager.shutdown(id, true);
                    });
        }
    }

    /** Kernels in the warm pool: ready, warmed and settled. */
    public synchronized int pooledCount() {
        return pool.size();
    }

    private synchronized boolean stillWarming(String id) {
        return readyWarming.containsKey(id);
    }

    // ---- culling ------------------------------------------------------------------------------------------------

    void cull() {
        Instant now = Instant.now();
        Duration timeout = config.cullIdleTimeout();
        for (Kernel k : list()) {
            if (k.state() == Kernel.State.DEAD) {
                continue;
            }
            boolean idleTooLong = Duration.between(k.lastActivity(), now).compareTo(timeout) > 0;
            boolean connectedOk = config.cullConnected() || connections(k) == 0;
            boolean busyOk = config.cullBusy() || !"busy".equals(k.executionState());
            if (idleTooLong && connectedOk && busyOk) {
                log.info("culling kernel {} ({}): inactive since {}", k.id(), k.spec().name(), k.lastActivity());
                shutdown(k);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (culler != null) {
            culler.cancel(false);
        }
    }
}
