package dev.kernelgate.execd;

import dev.kernelgate.execd.code.CodeContexts;
import dev.kernelgate.execd.code.CodeHandler;
import dev.kernelgate.execd.command.BashSessions;
import dev.kernelgate.execd.command.CommandEnvironment;
import dev.kernelgate.execd.command.CommandHandler;
import dev.kernelgate.execd.command.CommandService;
import dev.kernelgate.execd.command.SessionHandler;
import dev.kernelgate.execd.files.DirectoriesHandler;
import dev.kernelgate.execd.files.FileService;
import dev.kernelgate.execd.files.FilesHandler;
import dev.kernelgate.execd.metrics.MetricsHandler;
import dev.kernelgate.execd.metrics.MetricsService;
import dev.kernelgate.execd.pty.PtyHandler;
import dev.kernelgate.execd.pty.PtySessions;
import dev.kernelgate.gateway.GatewayConfig;
import dev.kernelgate.gateway.GatewaySettings;
import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.gateway.api.ApiHandler;
import dev.kernelgate.gateway.api.ChannelsHandler;
import dev.kernelgate.gateway.api.KernelSpecsHandler;
import dev.kernelgate.gateway.api.KernelsHandler;
import dev.kernelgate.gateway.api.SessionsHandler;
import dev.kernelgate.http.EventLoops;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.Resources;
import dev.kernelgate.http.RunningServer;
import dev.kernelgate.kernels.DaemonThreads;
import dev.kernelgate.kernels.KernelManager;
import dev.kernelgate.kernels.KernelManagerConfig;
import dev.kernelgate.kernelspecs.BundledKernels;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execd face, embeddable: {@code new ExecdServer(config, env, kernels).start()} serves the OpenSandbox execd API
 * and the Kernel Gateway API on one port, with code contexts on the in-process kernel manager.
 */
public final class ExecdServer {
    private static final Logger log = LoggerFactory.getLogger(ExecdServer.class);
    private static final Duration KERNEL_START_TIMEOUT = Duration.ofSeconds(60);

    private final ExecdConfig config;
    private final Map<String, String> env;
    private final KernelManagerConfig managerConfig;
    private final SslContext tls;
    private final List<Path> systemDataDirs;

    public ExecdServer(ExecdConfig config, Map<String, String> env, KernelManagerConfig managerConfig) {
        this(config, env, managerConfig, null, KernelSpecSearchPath.SYSTEM_DATA_DIRS);
    }

    private ExecdServer(ExecdConfig config, Map<String, String> env, KernelManagerConfig managerConfig,
                        SslContext tls, List<Path> systemDataDirs) {
        this.config = config;
        this.env = Map.copyOf(env);
        this.managerConfig = managerConfig;
        this.tls = tls;
        this.systemDataDirs = List.copyOf(systemDataDirs);
    }

    /**
     * The same server over HTTPS. A sandbox server that clients reach over TLS hands out execd endpoints under the
     * same scheme (the SDKs use one protocol for both), so its local sandboxes' execds serve TLS too.
     */
    public ExecdServer withTls(SslContext context) {
        return new ExecdServer(config, env, managerConfig, context, systemDataDirs);
    }

    /**
     * The same server looking for Jupyter's system kernels in other data directories than
     * {@link KernelSpecSearchPath#SYSTEM_DATA_DIRS} (each gets {@code /kernels}); an empty list leaves them out, so
     * only {@code $JUPYTER_PATH}, the user's data directory, the bundled kernel and the drop-ins are searched.
     */
    public ExecdServer withSystemDataDirs(List<Path> dirs) {
        return new ExecdServer(config, env, managerConfig, tls, dirs);
    }

    /** A running execd: its port and {@link #close()}, which stops commands, kernels and the server. */
    public static final class Running implements AutoCloseable {
        private final Resources resources;
        private final RunningServer server;

        private Running(RunningServer server, Resources resources) {
            this.server = server;
            this.resources = resources;
        }

        public int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.close();
            resources.close();
        }
    }

    public Running start() {
        Resources resources = new Resources();
        try {
            Path home = Path.of(System.getProperty("user.home"));
            KernelSpecCatalog catalog = new KernelSpecCatalog(KernelSpecSearchPath.fromEnvironment(env, home,
                    systemDataDirs, List.of(BundledKernels.install(env, home)), config.dropInDirs()));
            // One set of event loops serves the clients' connections and the kernels' sockets (zmtp transport);
            // closed last, after every user of them.
            EventLoops loops = new EventLoops(0, "kernelgate-http-io");
            resources.add(loops);
            KernelManager manager = new KernelManager(managerConfig, catalog, loops.group());
            resources.add(manager);
            ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("execd-timer"));
            resources.add(scheduler::shutdownNow);
            ExecutorService blocking = new ThreadPoolExecutor(2, 64, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(4096), DaemonThreads.named("execd-blocking"));
            resources.add(blocking::shutdownNow);

            // The embedded Kernel Gateway lists kernels: a Jupyter client attaching here wants to find them.
            GatewayConfig gateway = GatewaySettings.parse(Map.of(), List.of("--list_kernels=True"));
            KernelService kernels = new KernelService(gateway, manager, env, config.workDir(), scheduler);
            resources.add(kernels);
            CodeContexts contexts = new CodeContexts(manager, env, KERNEL_START_TIMEOUT, blocking);
            resources.add(contexts);
            // Commands see the environment this server was given (a local sandbox's execd adds the sandbox's
            // variables to its own process environment), not only the JVM's.
            CommandService commands = new CommandService(config,
                    new CommandEnvironment(env, config.envsFile()), CommandService.DEFAULT_MAX_FINISHED);
            resources.add(commands);
            BashSessions sessions = new BashSessions(commands);
            // Closing kills every terminal shell with its whole session.
            PtySessions terminals = new PtySessions(commands);
            resources.add(terminals);
            CommandHandler commandHandler = new CommandHandler(commands, sessions);
            FileService files = new FileService(config);
            MetricsService metrics = new MetricsService();
            metrics.start();
            resources.add(metrics);

            AtomicReference<RunningServer> bound = new AtomicReference<>();
            ExecdRoutes.Handlers handlers = new ExecdRoutes.Handlers(
                    new CodeHandler(contexts, new CodeCommands(commandHandler, commands, sessions)), commandHandler,
                    new SessionHandler(sessions), new FilesHandler(files), new DirectoriesHandler(files),
                    new MetricsHandler(metrics), new PtyHandler(terminals), new ApiHandler(), new KernelsHandler(gateway, kernels),
                    new ChannelsHandler(kernels), new KernelSpecsHandler(kernels, catalog),
                    new SessionsHandler(gateway, kernels));
            var routes = ExecdRoutes.build(config, handlers, () -> {
                RunningServer s = bound.get();
                return s == null ? -1 : s.port();
            });
            HttpServerConfig http = HttpServerConfig.of(config.host(), config.port())
                    .withLimits(config.connectionLimits());
            RunningServer server = new HttpServer(tls == null ? http : http.withTls(tls), routes, blocking, loops)
                    .start();
            bound.set(server);
            log.info("execd is listening on {}:{} (Kernel Gateway API on the same port)", config.host(),
                    server.port());
            return new Running(server, resources);
        } catch (RuntimeException e) {
            resources.closeAfter(e);
            throw e;
        }
    }
}
