package dev.kernelgate.runtime.docker;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import dev.kernelgate.execd.egress.EgressConfig;
import dev.kernelgate.runtime.config.EgressSettings;
import dev.kernelgate.runtime.spi.EgressSidecarEnv;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The egress sidecar of a sandbox with a {@code networkPolicy}: a container of the sandbox's own image running
 * {@code EgressMain} from the injected distribution (no sidecar image), created first so the sandbox can join its
 * network namespace. It alone holds {@code NET_ADMIN}; it publishes the sandbox's ports (the sandbox has no network of
 * its own); its token lives in its environment and in the sandbox container's labels, neither of which a process in
 * the sandbox can read.
 */
final class EgressSidecars {
    /** Upstream's label naming the sandbox a sidecar serves. */
    static final String SIDECAR_FOR = "opensandbox.io/egress-sidecar-for";
    /** Upstream's label keeping a sandbox's egress token, for its 18080 endpoint's header. */
    static final String TOKEN_LABEL = EgressSidecarEnv.TOKEN_KEY;
    static final int API_PORT = EgressConfig.DEFAULT_API_PORT;
    /** Where the sandbox gets its read-only resolver file, which names the proxy on the shared loopback. */
    static final String RESOLV_CONF = "/etc/resolv.conf";
    /** Where the credential vault's CA certificate is, in the sidecar (written) and in the sandbox (read-only). */
    static final String VAULT_DIR = "/run/kernelgate-vault";
    static final String VAULT_CA = VAULT_DIR + "/ca.crt";
    private static final String VAULT_TRUST = "/run/kernelgate-vault-trust.pem";

    private final DockerEngine engine;
    private final SandboxContainers containers;
    private final ExecdDistribution distribution;
    private final ContainerSecurity security;
    private final EgressSettings settings;
    private final ExecdReadiness readiness;
    private final Duration timeout;
    private final Path resolverFile;
    private final EgressTools tools;

    /**
     * @param resolverFile a host file the engine can mount, written here, naming the proxy as the sandbox's resolver
     */
    EgressSidecars(DockerEngine engine, SandboxContainers containers, ExecdDistribution distribution,
                   ContainerSecurity security, EgressSettings settings, ExecdReadiness readiness, Duration timeout,
                   Path resolverFile, EgressTools tools) {
        this.engine = engine;
        this.containers = containers;
        this.distribution = distribution;
        this.security = security;
        this.settings = settings;
        this.readiness = readiness;
        this.timeout = timeout;
        this.resolverFile = resolverFile;
        this.tools = tools;
    }

    /** A started sidecar: its container id and the token its policy API wants. */
    record Sidecar(String id, String token) {
    }

    static String name(String sandboxId) {
        return "sandbox-egress-" + sandboxId;
    }

    /**
     * Refuses what no sidecar here can enforce.
     *
     * @throws SandboxException 400 {@code SANDBOX::INVALID_PARAMETER}
     */
    void check(NetworkMode network, boolean credentialProxy) {
        if (network != NetworkMode.BRIDGE) {
            throw new SandboxException(400, "SANDBOX::INVALID_PARAMETER", "networkPolicy is not supported when "
                    + "docker network_mode=" + network.engineName() + " (the egress sidecar needs a network namespace "
                    + "of its own); use network_mode = \"bridge\"");
        }
        if (nft() && !settings.disableIpv6()) {
            // The IP layer here filters IPv4 only: with IPv6 on, it would be a way around the policy.
            throw new SandboxException(400, "SANDBOX::INVALID_PARAMETER", "[egress] mode = \"dns+nft\" needs "
                    + "[egress] disable_ipv6 = true: the IP layer filters IPv4 only");
        }
        if (nft() || credentialProxy) {
            tools.directory();   // a host without iptables-nft fails here, before anything is created
        }
    }

    /**
     * Creates and starts the sidecar and waits for its policy API; on failure nothing is left.
     *
     * @param credentialProxy whether the sidecar runs the credential vault (it then needs iptables for its redirect)
     * @param ports the sandbox's ports, published by the sidecar on 127.0.0.1
     */
    Sidecar start(String sandboxId, String image, SandboxSpec.NetworkPolicy policy, boolean credentialProxy,
                  List<Integer> ports) {
        containers.requireImage(image);
        String token = EgressSidecarEnv.newToken();
        Map<String, String> env = new LinkedHashMap<>(EgressSidecarEnv.of(policy, settings.mode(), token,
                settings.dnsUpstream(), credentialProxy));
        List<Bind> binds = new ArrayList<>(List.of(new Bind(distribution.directory().toString(),
                new Volume(ExecdDistribution.MOUNT_POINT), AccessMode.ro)));
        if (credentialProxy) {
            binds.add(new Bind(vaultDirectory(sandboxId).toString(), new Volume(VAULT_DIR), AccessMode.rw));
            env.put(EgressConfig.VAULT_CA_FILE_ENV, VAULT_CA);
            if (settings.vaultTrustedCa() != null) {
                binds.add(new Bind(settings.vaultTrustedCa().toAbsolutePath().toString(), new Volume(VAULT_TRUST),
                        AccessMode.ro));
                env.put(EgressConfig.VAULT_UPSTREAM_CA_ENV, VAULT_TRUST);
            }
        }
        if (nft() || credentialProxy) {
            binds.add(new Bind(tools.directory().toString(), new Volume(EgressTools.MOUNT_POINT), AccessMode.ro));
            env.put(EgressConfig.TOOLS_ENV, EgressTools.MOUNT_POINT);
        }
        List<ExposedPort> exposed = new ArrayList<>();
        Ports bindings = new Ports();
        for (int port : ports) {
            ExposedPort p = ExposedPort.tcp(port);
            exposed.add(p);
            bindings.bind(p, Ports.Binding.bindIp(SandboxContainers.PUBLISH_ADDRESS));
        }
        List<String> command = EgressSidecarEnv.command(ExecdDistribution.MOUNT_POINT);
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(NetworkMode.BRIDGE.engineName())
                .withBinds(binds)
                .withCapAdd(Capability.NET_ADMIN)
                .withCapDrop(SandboxContainers.capabilities(EgressSidecarEnv.drops(security.dropCapabilities())))
                .withSecurityOpts(List.of("no-new-privileges:true"))
                .withPortBindings(bindings);
        if (settings.disableIpv6()) {
            host.withSysctls(Map.of("net.ipv6.conf.all.disable_ipv6", "1", "net.ipv6.conf.default.disable_ipv6", "1",
                    "net.ipv6.conf.lo.disable_ipv6", "1"));
        }
        String id = engine.call("create the egress sidecar of sandbox " + sandboxId, () -> engine.client()
                .createContainerCmd(image)
                .withName(name(sandboxId))
                .withUser("0:0")     // binds port 53 on the shared loopback
                .withEntrypoint(command.get(0))
                .withCmd(command.subList(1, command.size()))
                .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withLabels(Map.of(SIDECAR_FOR, sandboxId))
                .withExposedPorts(exposed)
                .withHostConfig(host)
                .exec().getId());
        try {
            engine.run("start the egress sidecar of sandbox " + sandboxId,
                    () -> engine.client().startContainerCmd(id).exec());
            int apiPort = containers.inspect(id).flatMap(info -> boxed(info.hostPort(API_PORT)))
                    .orElseThrow(() -> new SandboxException(500, DockerErrors.EXECD_START_FAILED,
                            "the engine published no port for the egress sidecar of sandbox " + sandboxId));
            readiness.awaitAnswer(id, URI.create("http://127.0.0.1:" + apiPort + "/healthz"), timeout);
            return new Sidecar(id, token);
        } catch (RuntimeException e) {
            containers.remove(id);
            throw e;
        }
    }

    private boolean nft() {
        return settings.mode().equals(EgressConfig.MODE_DNS_NFT);
    }

    private static Optional<Integer> boxed(java.util.OptionalInt port) {
        return port.isPresent() ? Optional.of(port.getAsInt()) : Optional.empty();
    }

    /**
     * The sandbox's {@code /etc/resolv.conf}, mounted read-only: the proxy on the loopback it shares with the sidecar.
     * Docker would give it the sidecar's own file, which names the real nameservers (the sidecar's upstream), and a
     * writable one could be pointed elsewhere.
     */
    ContainerMount resolverMount() {
        String text = "# the egress sidecar's DNS proxy: names go through the sandbox's networkPolicy\n"
                + "nameserver 127.0.0.1\n";
        try {
            if (!Files.isRegularFile(resolverFile) || !Files.readString(resolverFile).equals(text)) {
                Files.createDirectories(resolverFile.getParent());
                Path staging = Files.createTempFile(resolverFile.getParent(), ".resolv", ".tmp");
                Files.writeString(staging, text);
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(staging, resolverFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED, "cannot write the sandboxes' "
                    + "resolver file " + resolverFile + ": " + e.getMessage(), e);
        }
        return new HostMount(resolverFile, RESOLV_CONF, true);
    }

    /** The host directory the sidecar writes the vault's CA certificate to; the sandbox mounts it read-only. */
    private Path vaultDirectory(String sandboxId) {
        Path dir = resolverFile.resolveSibling("vault").resolve(sandboxId);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED, "cannot make " + dir + " for the "
                    + "credential vault's CA certificate: " + e.getMessage(), e);
        }
        return dir;
    }

    /** The vault's CA certificate for the sandbox: {@value #VAULT_CA}, read-only. */
    ContainerMount vaultMount(String sandboxId) {
        return new HostMount(vaultDirectory(sandboxId), VAULT_DIR, true);
    }

    /** The sidecar of a sandbox, if it has one. */
    Optional<ContainerInfo> find(String sandboxId) {
        return containers.inspect(name(sandboxId));
    }

    /** Removes the sidecar of a sandbox; none is a no-op. */
    void remove(String sandboxId) {
        containers.remove(name(sandboxId));
        Path dir = resolverFile.resolveSibling("vault").resolve(sandboxId);
        try (var files = Files.exists(dir) ? Files.list(dir) : java.util.stream.Stream.<Path>empty()) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover certificate (public) is harmless; the next start of a sandbox with this id replaces it
        }
    }

    /** Sidecars whose sandbox container is gone (a crash between the two creates or removes). */
    List<ContainerInfo> all() {
        return containers.findByLabel(SIDECAR_FOR, null);
    }
}
