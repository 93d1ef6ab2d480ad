package dev.kernelgate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.kernelgate.runtime.LifecycleServer;
import dev.kernelgate.runtime.config.ConfigException;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.ServerConfigLoader;
import dev.kernelgate.runtime.config.ServerSettings;
import java.io.Console;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kernelgate server}: the OpenSandbox lifecycle API over the configured runtime ({@code local} by default).
 * Settings: flags over environment ({@code OPENSANDBOX_SERVER_API_KEY}) over the TOML file over defaults.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Serve the OpenSandbox sandbox lifecycle API (/v1/sandboxes ...).",
            "Config: --config, else $SANDBOX_CONFIG_PATH, else ~/.sandbox.toml (see `kernelgate init-config`).",
            "Environment: OPENSANDBOX_SERVER_API_KEY, OPENSANDBOX_INSECURE_SERVER=YES (serve without a key)."})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "TOML configuration file.")
    private Path config;

    @Option(names = "--host", description = "Interface to listen on (server.host).")
    private String listenHost;

    @Option(names = "--port", description = "Port to listen on (server.port; 0 picks a free one).")
    private Integer port;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "DEBUG, INFO, WARNING or ERROR (log.level).")
    private String logLevel;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (server.tls_cert_file).")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key: PKCS#8, PKCS#1 RSA or SEC1 EC.")
    private Path tlsKey;

    @Option(names = "--tls-self-signed", description = "Serve HTTPS with a generated development certificate.")
    private boolean tlsSelfSigned;

    private final HostEnvironment host;

    ServerCommand() {
        this(HostEnvironment.current());
    }

    ServerCommand(HostEnvironment host) {
        this.host = host;
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig settings;
        try {
            settings = withFlags(ServerConfigLoader.load(ServerConfigLoader.locate(config, host.env(), host.home()),
                    host.env()));
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("kernelgate server: " + e.getMessage());
            return 2;
        }
        applyLogging(settings);
        Map<String, String> env = new HashMap<>(host.env());
        if (settings.server().apiKey() == null && !"YES".equals(env.get(LifecycleServer.INSECURE_ENV))
                && confirmedInsecure()) {
            env.put(LifecycleServer.INSECURE_ENV, "YES");
        }
        LifecycleServer.Running running;
        try {
            running = new LifecycleServer(settings, env).start();
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("kernelgate server: " + e.getMessage());
            return 2;
        } catch (java.io.UncheckedIOException e) {
            System.err.println("kernelgate server: " + e.getCause().getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "server-shutdown"));
        stopped.await();
        return 0;
    }

    private ServerConfig withFlags(ServerConfig c) {
        ServerSettings s = c.server();
        if (listenHost != null || port != null) {
            if (port != null && (port < 0 || port > 65535)) {
                throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
            }
            s = s.withListen(listenHost != null ? listenHost : s.host(), port != null ? port : s.port());
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsCert != null && tlsSelfSigned) {
            throw new IllegalArgumentException("--tls-self-signed and --tls-cert exclude each other");
        }
        if (tlsCert != null || tlsSelfSigned) {
            s = s.withTls(tlsCert, tlsKey, tlsSelfSigned);
        }
        ServerConfig out = c.withServer(s);
        if (logLevel != null) {
            out = new ServerConfig(out.server(), out.log().withLevel(logLevel.toUpperCase(Locale.ROOT)), out.runtime(),
                    out.local(), out.docker(), out.kubernetes(), out.storage(), out.secureRuntime(), out.egress(),
                    out.ingress(), out.source());
        }
        return out;
    }

    private static void applyLogging(ServerConfig c) throws java.io.IOException {
        String level = switch (c.log().level()) {
            case "WARNING" -> "WARN";
            case "CRITICAL" -> "ERROR";
            default -> c.log().level();
        };
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        if (c.log().fileEnabled() && c.log().filePath() != null) {
            LogFile.redirectTo(c.log().filePath());
        }
    }

    /** Upstream asks on a terminal before serving without a key; so do we. */
    private static boolean confirmedInsecure() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        String answer = console.readLine("No API key is configured: anyone who reaches this server can run code."
                + " Type YES to serve without authentication: ");
        return "YES".equals(answer == null ? null : answer.trim());
    }
}
