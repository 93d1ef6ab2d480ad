package dev.kernelgate.execd.files;

import dev.kernelgate.http.CodeMessageErrorRenderer;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The file routes in a JVM of their own (run it with a small {@code -Xmx}) for transfer measurements: prints
 * {@code PORT n}, serves until stdin closes. {@code GET /heap} reports the heap high-water mark since
 * {@code POST /heap/reset} (sum of the heap pools' peaks, an upper bound) and direct buffer use.
 */
public final class FilesBenchServer {

    private FilesBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        FileService service = new FileService(new PathPolicy(work, System.getenv(), List.of()), 0,
                ZoneId.systemDefault());
        FilesHandler files = new FilesHandler(service);
        Routes routes = Routes.builder()
                .errors(new CodeMessageErrorRenderer(status -> status >= 500 ? "RUNTIME_ERROR" : "INVALID_REQUEST_BODY"))
                .post("/files/upload", files::upload, FilesHandler.uploadOptions())
                .get("/files/download", files::download)
                .get("/heap", r -> Responses.json(heap()))
                .post("/heap/reset", r -> {
                    System.gc();
                    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                    return Responses.json(heap());
                })
                .build();
        ExecutorService blocking = Executors.newFixedThreadPool(8);
        RunningServer server = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), routes, blocking).start();
        System.out.println("PORT " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the parent closes our stdin
        }
        server.close();
        blocking.shutdownNow();
    }

    static Map<String, Object> heap() {
        long peak = 0;
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
                used += pool.getUsage().getUsed();
            }
        }
        long direct = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                direct = b.getMemoryUsed();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("heap_peak_bytes", peak);
        out.put("heap_used_bytes", used);
        out.put("heap_max_bytes", Runtime.getRuntime().maxMemory());
        out.put("jdk_direct_bytes", direct);
        out.put("netty_direct_bytes", io.netty.util.internal.PlatformDependent.usedDirectMemory());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            out.put("cpu_seconds", os.getProcessCpuTime() / 1e9);
        }
        return out;
    }
}
