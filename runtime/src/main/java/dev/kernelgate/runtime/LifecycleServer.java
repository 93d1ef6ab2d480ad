package dev.kernelgate.runtime;

import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.Resources;
import dev.kernelgate.http.RunningServer;
import dev.kernelgate.kernels.DaemonThreads;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.ServerSettings;
import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.RuntimeContext;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxRuntimeProvider;
import dev.kernelgate.runtime.tls.PemFiles;
import dev.kernelgate.runtime.tls.SelfSignedCertificate;
import dev.kernelgate.runtime.tls.TlsContexts;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
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
 * The sandbox lifecycle server, embeddable: {@code new LifecycleServer(config, env).start()} opens the configured
 * runtime, reaps or adopts what an earlier server left, and serves the lifecycle API (HTTPS when configured) until
 * {@link Running#close()}, which removes the sandboxes a runtime cannot leave behind.
 */
public final class LifecycleServer {
    public static final String INSECURE_ENV = "OPENSANDBOX_INSECURE_SERVER";
    private static final Logger log = LoggerFactory.getLogger(LifecycleServer.class);

    private final ServerConfig config;
    private final Map<String, String> env;
    private final List<SandboxRuntimeProvider> providers;
    private final Clock clock;
    private final Duration expirySweep;

    public LifecycleServer(ServerConfig config, Map<String, String> env) {
        this(config, env, RuntimeProviders.builtIn(), Clock.systemUTC(), Duration.ofSeconds(1));
    }

    /** @param expirySweep how often deadlines are checked (a sandbox lives at most this much past its deadline) */
    public LifecycleServer(ServerConfig config, Map<String, String> env, List<SandboxRuntimeProvider> providers,
                           Clock clock, Duration expirySweep) {
        this.config = config;
        this.env = Map.copyOf(env);
        this.providers = List.copyOf(providers);
        this.clock = clock;
        this.expirySweep = expirySweep;
    }

    /** A running server: its port and scheme, the development certificate if it made one, and {@link #close()}. */
    public static final class Running implements AutoCloseable {
        private final RunningServer http;
        private final SandboxService service;
        private final Resources resources;
        private final String certificatePem;
        private final boolean tls;

        private Running(RunningServer http, SandboxService service, Resources resources,
                        String certificatePem, boolean tls) {
            this.http = http;
            this.service = service;
            this.resources = resources;
            this.certificatePem = certificatePem;
            this.tls = tls;
        }

        public int port() {
            return http.port();
        }

        /** {@code http(s)://127.0.0.1:<port>}. */
        public String baseUrl() {
            return (tls ? "https" : "http") + "://127.0.0.1:" + port();
        }

        /** The self-signed certificate's PEM, or null when the server was given one or serves plain HTTP. */
        public String certificatePem() {
            return certificatePem;
        }

        public SandboxService service() {
            return service;
        }

        @Override
        public void close() {
            http.close();
            resources.close();
        }
    }

    /**
     * @throws IllegalStateException when no API key is configured and {@value #INSECURE_ENV} is not {@code YES}
     * @throws IllegalArgumentException for a runtime or TLS material that cannot be used
     */
    public Running start() {
        ServerSettings server = config.server();
        if (server.apiKey() == null && !"YES".equals(env.get(INSECURE_ENV))) {
            throw new IllegalStateException("no API key is configured (server.api_key or "
                    + "OPENSANDBOX_SERVER_API_KEY); set " + INSECURE_ENV + "=YES to serve without authentication");
        }
        if (server.apiKey() == null) {
            log.warn("serving WITHOUT authentication ({}=YES): anyone who reaches {}:{} can run code",
                    INSECURE_ENV, server.host(), server.port());
        }
        Resources resources = new Resources();
        try {
            Path state = stateBase();
            String certificatePem = null;
            SslContext tls = null;
            SslContext targetTls = null;
            ServerConfig effective = config;
            if (server.tlsSelfSigned()) {
                SelfSignedCertificate cert = SelfSignedCertificate.generate(
                        server.eip() == null ? List.of() : List.of(server.eip()));
                certificatePem = cert.certificatePem();
                // Written out so clients can trust it and the local runtime's execds can serve with it.
                Path pem = state.resolve("self-signed-cert.pem");
                Path key = state.resolve("self-signed-key.pem");
                Files.writeString(pem, certificatePem);
                Files.deleteIfExists(key);
                Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(key, PemFiles.pkcs8(cert.keys().getPrivate()));
                log.info("TLS with a self-signed development certificate; clients can trust {}", pem);
                tls = TlsContexts.server(cert.keys().getPrivate(), List.of(cert.certificate()));
                targetTls = TlsContexts.client(List.of(cert.certificate()));
                effective = config.withServer(server.withTls(pem, key, true));
            } else if (server.tlsCertFile() != null) {
                List<X509Certificate> chain = PemFiles.certificates(server.tlsCertFile());
                tls = TlsContexts.server(PemFiles.privateKey(server.tlsKeyFile()), chain);
                targetTls = TlsContexts.client(chain);
            }

            String type = config.runtime().type();
            Path runtimeState = Files.createDirectories(state.resolve(type));
            SandboxRuntime runtime = RuntimeProviders.find(providers, type)
                    .open(new RuntimeContext(effective, runtimeState, env, clock));
            SandboxService service = new SandboxService(runtime, new CreateRequestParser.Policy(
                    server.minSandboxTimeoutSeconds(), server.maxSandboxTimeoutSeconds(),
                    new HostPathPolicy(config.storage().allowedHostPaths())), clock);
            resources.add(service);
            service.recover();

            ExecutorService blocking = new ThreadPoolExecutor(4, 64, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(4096), DaemonThreads.named("lifecycle-blocking"));
            resources.add(blocking::shutdownNow);
            ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("lifecycle-expiry"));
            resources.add(timer::shutdownNow);
            timer.scheduleWithFixedDelay(() -> {
                try {
                    service.expire();
                } catch (RuntimeException e) {
                    log.warn("expiry sweep failed", e);
                }
            }, expirySweep.toMillis(), expirySweep.toMillis(), TimeUnit.MILLISECONDS);

            HttpServerConfig httpConfig = HttpServerConfig.of(server.host(), server.port())
                    .withLimits(server.connectionLimits());
            if (tls != null) {
                httpConfig = httpConfig.withTls(tls);
            }
            RunningServer http = new HttpServer(httpConfig,
                    LifecycleRoutes.build(server.apiKey(), new SandboxHandler(service, server.eip()),
                            new SandboxProxy(service, targetTls)), blocking).start();
            log.info("lifecycle server ({} runtime) listening on {}://{}:{}", type, tls == null ? "http" : "https",
                    server.host(), http.port());
            return new Running(http, service, resources, certificatePem, tls != null);
        } catch (IOException e) {
            resources.closeAfter(e);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            resources.closeAfter(e);
            throw e;
        }
    }

    private Path stateBase() throws IOException {
        Path base = config.local().stateDir() != null ? config.local().stateDir()
                : Path.of(System.getProperty("user.home"), ".kernelgate", "sandboxes");
        return Files.createDirectories(base);
    }
}
