package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.kernels.KernelManager;
import dev.kernelgate.kernels.KernelManagerConfig;
import dev.kernelgate.kernels.KernelStartRequest;
import dev.kernelgate.kernelspecs.BundledKernels;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A kernel started by the embedded kernel manager (as the gateway would) and a {@link DirectZmqSession} on its
 * ports: the floor for a Java client, with no gateway in between.
 */
final class JavaFloor implements AutoCloseable {
    private final KernelManager manager;
    private final DirectZmqSession session;
    private final long kernelPid;

    private JavaFloor(KernelManager manager, DirectZmqSession session, long kernelPid) {
        this.manager = manager;
        this.session = session;
        this.kernelPid = kernelPid;
    }

    static JavaFloor start(Path work, String kernelName) throws Exception {
        return start(work, kernelName, Map.of());
    }

    /** As {@link #start(Path, String)}, with {@code extraEnv} (e.g. a JUPYTER_PATH) for the spec search and kernel. */
    static JavaFloor start(Path work, String kernelName, Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(Servers.kernelEnv());
        env.putAll(extraEnv);
        Path home = Path.of(System.getProperty("user.home"));
        KernelSpecCatalog catalog = new KernelSpecCatalog(KernelSpecSearchPath.fromEnvironment(env, home,
                List.of(BundledKernels.install(env, home)), List.of()));
        KernelManager manager = new KernelManager(KernelManagerConfig.defaults(env)
                .withRuntimeDir(work.resolve("java-floor-runtime"))
                .withKernelOutput(java.lang.ProcessBuilder.Redirect.DISCARD), catalog);
        try {
            Kernel kernel = manager.startAndWait(new KernelStartRequest(kernelName, env, work, null))
                    .get(120, TimeUnit.SECONDS);
            return new JavaFloor(manager, new DirectZmqSession(kernel.connectionInfo()), kernel.pid());
        } catch (Exception e) {
            manager.close();
            throw e;
        }
    }

    DirectZmqSession session() {
        return session;
    }

    /** The kernel's CPU; no server on this path. */
    IopubThroughput.CpuSources cpu() {
        return new IopubThroughput.CpuSources(() -> ProcFs.cpuNanos(kernelPid), () -> 0);
    }

    @Override
    public void close() {
        session.close();
        manager.close();
    }
}
