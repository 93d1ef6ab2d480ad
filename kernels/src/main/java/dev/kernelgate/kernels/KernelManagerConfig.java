package dev.kernelgate.kernels;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the kernel manager.
 *
 * @param runtimeDir         where connection files are written (mode 0700 directory, 0600 files)
 * @param ip                 the address kernels bind (loopback)
 * @param restartLimit       consecutive automatic restarts before a kernel is declared dead
 * @param stableStartTime    a kernel that became ready and ran this long since its launch resets the restart count
 * @param shutdownWait       graceful shutdown: half waits after shutdown_request, half after SIGTERM
 * @param kernelInfoTimeout  how long a starting kernel has to answer kernel_info and prove its IOPub
 * @param kernelOutput       where kernel stdout/stderr go (inherit, like jupyter_client, by default)
 * @param transport          how the gateway's sockets talk to kernels
 */
public record KernelManagerConfig(Path runtimeDir, String ip, int restartLimit, Duration stableStartTime,
                                  Duration shutdownWait, Duration kernelInfoTimeout,
                                  ProcessBuilder.Redirect kernelOutput, KernelTransport transport) {

    public static KernelManagerConfig defaults(Map<String, String> env) {
        String runtime = env.get("JUPYTER_RUNTIME_DIR");
        Path dir = runtime != null && !runtime.isBlank()
                ? Path.of(runtime)
                : dataDir(env).resolve("runtime");
        return new KernelManagerConfig(dir, "127.0.0.1", 5, Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(60), ProcessBuilder.Redirect.INHERIT, transport(env));
    }

    /** {@value KernelTransport#VARIABLE} from {@code env}, else the JVM's {@value KernelTransport#PROPERTY}, else zmtp. */
    private static KernelTransport transport(Map<String, String> env) {
        String value = env.get(KernelTransport.VARIABLE);
        if (value == null || value.isBlank()) {
            value = System.getProperty(KernelTransport.PROPERTY);
        }
        return value == null || value.isBlank() ? KernelTransport.ZMTP : KernelTransport.parse(value);
    }

    private static Path dataDir(Map<String, String> env) {
        String data = env.get("JUPYTER_DATA_DIR");
        if (data != null && !data.isBlank()) {
            return Path.of(data);
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "jupyter");
    }

    public KernelManagerConfig withRuntimeDir(Path dir) {
        return new KernelManagerConfig(dir, ip, restartLimit, stableStartTime, shutdownWait, kernelInfoTimeout,
                kernelOutput, transport);
    }

    public KernelManagerConfig withKernelOutput(ProcessBuilder.Redirect output) {
        return new KernelManagerConfig(runtimeDir, ip, restartLimit, stableStartTime, shutdownWait,
                kernelInfoTimeout, output, transport);
    }

    public KernelManagerConfig withKernelInfoTimeout(Duration timeout) {
        return new KernelManagerConfig(runtimeDir, ip, restartLimit, stableStartTime, shutdownWait, timeout,
                kernelOutput, transport);
    }

    public KernelManagerConfig withShutdownWait(Duration wait) {
        return new KernelManagerConfig(runtimeDir, ip, restartLimit, stableStartTime, wait, kernelInfoTimeout,
                kernelOutput, transport);
    }

    public KernelManagerConfig withRestartPolicy(int limit, Duration stableAfter) {
        return new KernelManagerConfig(runtimeDir, ip, limit, stableAfter, shutdownWait, kernelInfoTimeout,
                kernelOutput, transport);
    }

    public KernelManagerConfig withTransport(KernelTransport t) {
        return new KernelManagerConfig(runtimeDir, ip, restartLimit, stableStartTime, shutdownWait,
                kernelInfoTimeout, kernelOutput, t);
    }
}
