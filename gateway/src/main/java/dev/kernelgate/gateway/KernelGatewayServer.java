package dev.kernelgate.gateway;

import dev.kernelgate.gateway.api.ApiHandler;
import dev.kernelgate.gateway.api.ChannelsHandler;
import dev.kernelgate.gateway.api.KernelSpecsHandler;
import dev.kernelgate.gateway.api.KernelsHandler;
import dev.kernelgate.gateway.api.SessionsHandler;
import dev.kernelgate.gateway.notebookhttp.NotebookHttpPersonality;
import dev.kernelgate.http.EventLoops;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import dev.kernelgate.kernels.DaemonThreads;
import dev.kernelgate.kernels.KernelManager;
import dev.kernelgate.kernels.KernelManagerConfig;
import dev.kernelgate.kernelspecs.BundledKernels;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kernel Gateway face, embeddable: {@code new KernelGatewayServer(config).start()} serves the API on the
 * configured port (0 = any) and returns a handle whose {@code close()} stops the server and every kernel.
 */
public final class KernelGatewayServer {
    private static final Logger log = LoggerFactory.getLogger(KernelGatewayServer.class);

    private final GatewayConfig config;
    private final Map<String, String> env;
    private final KernelManagerConfig managerConfig;

    public KernelGatewayServer(GatewayConfig config) {
        this(config, System.getenv(), KernelManagerConfig.defaults(System.getenv()));
    }

    public KernelGatewayServer(GatewayConfig config, Map<String, String> env, KernelManagerConfig managerConfig) {
        this.config = config;
        this.env = Map.copyOf(env);
        this.managerConfig = managerConfig;
    }

    /** A running gateway: its port, its kernels, and {@link #close()}. */
    public static final class Running implements AutoCloseable {
        private final RunningServer server;
        private final KernelService kernels;
        private final KernelManager manager;
        private final ExecutorService blocking;
        private final ScheduledExecutorService scheduler;
        private final AutoCloseable personality;
        private final EventLoops loops;

        private Running(RunningServer server, KernelService kernels, KernelManager manager, ExecutorService blocking,
                        ScheduledExecutorService scheduler, AutoCloseable personality, EventLoops loops) {
            this.server = server;
            this.personality = personality;
            this.kernels = kernels;
            this.manager = manager;
            this.blocking = blocking;
            this.scheduler = scheduler;
            this.loops = loops;
        }

        public int port() {
            return server.port();
        }

        public KernelService kernels() {
            return kernels;
        }

        @Override
        public void close() {
            server.close();
            closeQuietly(personality);
            kernels.close();
            manager.close();
            loops.close();
            scheduler.shutdownNow();
            blocking.shutdownNow();
        }
    }

    public Running start() {
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> kernelDirs = new ArrayList<>(config.kernelDirs());
        kernelDirs.add(BundledKernels.install(env, home));
        KernelSpecCatalog catalog = new KernelSpecCatalog(KernelSpecSearchPath.fromEnvironment(env, home,
                kernelDirs, config.dropInDirs()));
        // One set of event loops serves the clients' connections and the kernels' sockets (zmtp transport).
        EventLoops loops = new EventLoops(0, "kernelgate-http-io");
        KernelManager manager = new KernelManager(managerConfig, catalog, loops.group());
        ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("gateway-timer"));
        ExecutorService blocking = new ThreadPoolExecutor(2, 16, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(1024), DaemonThreads.named("gateway-blocking"));
        KernelService kernels = null;
        NotebookHttpPersonality notebookHttp = null;
        try {
            Path rootDir = Path.of("").toAbsolutePath();
            kernels = new KernelService(config, manager, env, rootDir, scheduler);
            Routes routes;
            if (config.api() == GatewayConfig.Personality.NOTEBOOK_HTTP) {
                notebookHttp = NotebookHttpPersonality.start(config, kernels, rootDir);
                routes = notebookHttp.routes();
            } else {
                routes = KernelGatewayRoutes.builder(config, new ApiHandler(), new KernelsHandler(config, kernels),
                        new ChannelsHandler(kernels), new KernelSpecsHandler(kernels, catalog),
                        new SessionsHandler(config, kernels)).build();
            }
            RunningServer server = bind(routes, blocking, loops);
            String scheme = config.tls() ? "https" : "http";
            log.info("Jupyter Kernel Gateway (Kernelgate) is available at {}://{}:{}{}", scheme, config.ip(),
                    server.port(), config.baseUrlPrefix());
            return new Running(server, kernels, manager, blocking, scheduler, notebookHttp, loops);
        } catch (RuntimeException e) {
            closeQuietly(notebookHttp);
            if (kernels != null) {
                kernels.close();
            }
            manager.close();
            loops.close();
            scheduler.shutdownNow();
            blocking.shutdownNow();
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", resource, e.getMessage());
        }
    }

    /** Binds the port, trying the next ones (port_retries) when it is taken, as the upstream server does. */
    private RunningServer bind(Routes routes, ExecutorService blocking, EventLoops loops) {
        HttpServerConfig http = HttpServerConfig.of(config.ip(), config.port())
                .withWsPing(config.wsPingInterval(), null)
                .withLimits(config.connectionLimits());
        SslContext tls = tls();
        if (tls != null) {
            http = http.withTls(tls);
        }
        int attempts = config.port() == 0 ? 1 : config.portRetries() + 1;
        RuntimeException last = null;
        for (int i = 0; i < attempts; i++) {
            int port = config.port() == 0 ? 0 : config.port() + i;
            if (port > 65535) {
                break;
            }
            try {
                return new HttpServer(http.withPort(port), routes, blocking, loops).start();
            } catch (RuntimeException e) {
                log.info("port {} is not available: {}", port, e.getMessage());
                last = e;
            }
        }
        throw new IllegalStateException("no available port among " + config.port() + ".."
                + (config.port() + config.portRetries()), last);
    }

    private SslContext tls() {
        if (config.certfile() == null) {
            return null;
        }
        try {
            Path key = config.keyfile() != null ? config.keyfile() : config.certfile();
            SslContextBuilder builder = SslContextBuilder.forServer(config.certfile().toFile(), key.toFile());
            if (config.clientCa() != null) {
                builder.trustManager(config.clientCa().toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return builder.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot load TLS certificate " + config.certfile() + ": "
                    + e.getMessage(), e);
        }
    }
}
