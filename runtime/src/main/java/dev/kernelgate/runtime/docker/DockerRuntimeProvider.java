package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.config.DockerSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.RuntimeContext;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxRuntimeProvider;
import java.io.File;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code [runtime] type = "docker"}. The engine is {@code [docker] host}, else {@code DOCKER_HOST}, else the default
 * socket. The execd distribution is assembled (once per build, see {@link ExecdDistributionBuilder}) in the cache
 * directory ({@code $KERNELGATE_CACHE/execd-dist}, else {@code ~/.cache/kernelgate/execd-dist}) from the Kernelgate
 * jar the server runs from, with a Java runtime jlinked from the server's own JDK; the engine is not contacted here,
 * so a server whose engine is down still starts and serves.
 */
public final class DockerRuntimeProvider implements SandboxRuntimeProvider {
    static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    /** Longest wait for a new sandbox's execd to answer. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public String type() {
        return DockerRuntime.TYPE;
    }

    @Override
    public SandboxRuntime open(RuntimeContext context) {
        ServerConfig config = context.config();
        DockerSettings docker = config.docker();
        String host = docker.host() != null ? docker.host() : context.env().getOrDefault("DOCKER_HOST", DEFAULT_HOST);
        NetworkMode network = NetworkMode.parse(docker.networkMode());
        ContainerSecurity security = new ContainerSecurity(docker.dropCapabilities(), docker.noNewPrivileges(),
                docker.seccompProfile(), docker.apparmorProfile(), docker.pidsLimit());
        SandboxContainers.capabilities(security.dropCapabilities());   // an unknown name stops the server here
        String advertised = docker.hostIp() != null ? docker.hostIp()
                : config.server().eip() != null ? config.server().eip() : "127.0.0.1";
        DockerRuntimeSettings settings = new DockerRuntimeSettings(network, security,
                new HostPathPolicy(config.storage().allowedHostPaths()), advertised, docker.execdLogDir());

        Path cache = cacheDir(context.env());
        JavaRuntimeImage runtime = new JavaRuntimeImage(Path.of(System.getProperty("java.home")), cache);
        ExecdDistribution distribution = new ExecdDistributionBuilder(runtime, cache).build(source());
        DockerEngine engine = new DockerEngine(host, Duration.ofSeconds(docker.apiTimeout()));
        SandboxContainers containers = new SandboxContainers(engine, distribution);
        ExecdReadiness readiness = new ExecdReadiness(containers, HttpClient.newHttpClient(), context.clock());
        SandboxStarter starter = new SandboxStarter(containers, readiness, STARTUP_TIMEOUT);
        EgressSidecars sidecars = new EgressSidecars(engine, containers, distribution, security, config.egress(),
                readiness, STARTUP_TIMEOUT, cache.resolve("egress-resolv.conf"), new EgressTools(cache));
        return new DockerRuntime(engine, containers, starter, settings,
                new ExecdClassArchive(distribution, starter, containers, security), sidecars);
    }

    static Path cacheDir(Map<String, String> env) {
        String cache = env.get("KERNELGATE_CACHE");
        Path root = cache == null || cache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "kernelgate") : Path.of(cache);
        return root.resolve("execd-dist");
    }

    /**
     * The Kernelgate jar this server runs from ({@code kernelgate execd} in the sandbox); from a class path (tests,
     * an IDE) that class path with {@link ClassPathExecdMain}.
     */
    static DistributionSource source() {
        try {
            Path self = Path.of(DockerRuntimeProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.getFileName().toString().equals("kernelgate.jar")) {
                return DistributionSource.kernelgateJar(self);
            }
        } catch (URISyntaxException | SecurityException e) {
            // Fall through to the class path.
        }
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Path> entries = Arrays.stream(classPath.split(File.pathSeparator)).filter(s -> !s.isBlank())
                .map(Path::of).filter(Files::exists).toList();
        return new DistributionSource(entries, ClassPathExecdMain.class.getName(), List.of());
    }
}
