package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.EgressSidecarEnv;
import dev.kernelgate.runtime.spi.InternalEndpoint;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code [runtime] type = "docker"}: every sandbox is a container of its image, with execd injected (see
 * {@link SandboxContainers}). Containers outlive the server: {@link #recover()} finds them again by their
 * {@code opensandbox.io/id} label. Engine failures become {@link SandboxException}s with upstream's {@code DOCKER::}
 * codes, so one unreachable engine fails its requests and nothing else.
 */
public final class DockerRuntime implements SandboxRuntime {
    public static final String TYPE = "docker";
    private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);

    private final DockerEngine engine;
    private final SandboxContainers containers;
    private final SandboxStarter starter;
    private final DockerRuntimeSettings settings;
    private final ExecdClassArchive classArchive;
    private final SandboxVolumes volumes;
    private final EgressSidecars sidecars;

    DockerRuntime(DockerEngine engine, SandboxContainers containers, SandboxStarter starter,
                  DockerRuntimeSettings settings, ExecdClassArchive classArchive, EgressSidecars sidecars) {
        this.engine = engine;
        this.sidecars = sidecars;
        this.containers = containers;
        this.starter = starter;
        this.settings = settings;
        this.classArchive = classArchive;
        this.volumes = new SandboxVolumes(new NamedVolumes(engine), settings.hostPaths());
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Refuses what this runtime would otherwise ignore: a {@code networkPolicy} it cannot enforce (see
     * {@link EgressSidecars#check}) and volumes other than allowed host paths and named volumes, or named volumes the
     * engine could not name.
     */
    @Override
    public void validate(SandboxSpec spec) {
        translated(() -> {
            if (spec.networkPolicy() != null) {
                sidecars.check(settings.network(), spec.credentialProxy());
            }
            volumes.check(spec);
            return null;
        });
    }

    @Override
    public SandboxStatus create(SandboxSpec spec) {
        return translated(() -> {
            NetworkMode network = settings.network();
            int port = network == NetworkMode.HOST ? FreePort.pick() : SandboxContainers.EXECD_CONTAINER_PORT;
            SandboxVolumes.Prepared prepared = volumes.prepare(spec);
            EgressSidecars.Sidecar sidecar = null;
            try {
                Map<String, String> labels = new HashMap<>(SandboxLabels.of(spec, network, port));
                labels.putAll(prepared.labels());
                List<ContainerMount> mounts = new ArrayList<>(prepared.mounts());
                if (settings.execdLogDir() != null) {
                    mounts.add(new HostMount(execdLogDir(spec.id()), DockerRuntimeSettings.EXECD_LOG_MOUNT, false));
                }
                ContainerSecurity security = settings.security();
                Map<String, String> env = new HashMap<>(spec.env());
                if (spec.networkPolicy() != null) {
                    // The sidecar first: the sandbox joins its network namespace, where the policy is enforced.
                    sidecar = sidecars.start(spec.id(), spec.image().uri(), spec.networkPolicy(),
                            spec.credentialProxy(), List.of(port, SandboxContainers.HTTP_CONTAINER_PORT,
                                    EgressSidecars.API_PORT));
                    labels.put(EgressSidecars.TOKEN_LABEL, sidecar.token());
                    mounts.add(sidecars.resolverMount());
                    if (spec.credentialProxy()) {
                        mounts.add(sidecars.vaultMount(spec.id()));
                        // Node adds it to its roots; other tools are pointed at it (README, credential vault)
                        env.putIfAbsent("NODE_EXTRA_CA_CERTS", EgressSidecars.VAULT_CA);
                    }
                    security = security.dropping(List.of("NET_ADMIN", "NET_RAW"));
                }
                ContainerSpec container = new ContainerSpec(containerName(spec.id()), spec.image().uri(),
                        spec.entrypoint(), env, labels, network, port, spec.resources().cpuMillis(),
                        spec.resources().memoryBytes(), security, mounts, sidecar == null ? null : sidecar.id());
                starter.start(container);
            } catch (RuntimeException e) {
                // The starter left no container; the volumes and the sidecar made for it go too.
                if (sidecar != null) {
                    sidecars.remove(spec.id());
                }
                volumes.release(prepared.created());
                throw e;
            }
            // This image runs execd: record the start-up archive with it, once, for the sandboxes after this one.
            classArchive.recordOnceWith(spec.image().uri());
            return SandboxStatus.of(SandboxState.RUNNING);
        });
    }

    /**
     * {@code <execd_log_dir>/<sandbox id>}, made for the sandbox and writable by any user (the image's user runs
     * execd): a node's collector tails {@code <execd_log_dir>/*}{@code /*.log}. It stays after the sandbox is deleted,
     * so the collector can finish reading it; removing old directories is the node's housekeeping.
     */
    private Path execdLogDir(String sandboxId) {
        Path dir = settings.execdLogDir().resolve(sandboxId);
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            return dir;
        } catch (IOException | UnsupportedOperationException e) {
            throw new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED, "cannot make the execd log "
                    + "directory " + dir + " ([docker] execd_log_dir): " + e.getMessage(), e);
        }
    }

    static String containerName(String sandboxId) {
        return "sandbox-" + sandboxId;
    }

    private Optional<ContainerInfo> find(String id) {
        return containers.inspect(containerName(id));
    }

    @Override
    public Optional<SandboxStatus> inspect(String id) {
        return translated(() -> find(id).map(DockerRuntime::status));
    }

    /** Upstream's mapping of the engine's container states. */
    static SandboxStatus status(ContainerInfo info) {
        return switch (info.status()) {
            case "running", "restarting" -> SandboxStatus.of(SandboxState.RUNNING);
            case "paused" -> SandboxStatus.of(SandboxState.PAUSED);
            case "created" -> SandboxStatus.of(SandboxState.PENDING);
            case "exited" -> info.exitCode() == 0 ? SandboxStatus.of(SandboxState.TERMINATED)
                    : SandboxStatus.failed("ContainerExited", "the container exited with code " + info.exitCode());
            default -> new SandboxStatus(SandboxState.UNKNOWN, null, "container status " + info.status());
        };
    }

    @Override
    public void pause(String id) {
        translated(() -> {
            containers.pause(containerName(id));
            return null;
        });
    }

    @Override
    public void resume(String id) {
        translated(() -> {
            containers.resume(containerName(id));
            return null;
        });
    }

    @Override
    public void delete(String id) {
        translated(() -> {
            List<String> volumesToRemove = find(id).map(SandboxVolumes::toDelete).orElse(List.of());
            containers.remove(containerName(id));
            sidecars.remove(id);
            volumes.release(volumesToRemove);
            return null;
        });
    }

    @Override
    public SandboxEndpoint endpoint(String id, int port) {
        return translated(() -> {
            ContainerInfo info = published(id);
            SandboxEndpoint endpoint = Endpoints.of(info, port, settings.advertisedHost());
            String token = info.labels().get(EgressSidecars.TOKEN_LABEL);
            // The egress sidecar's policy API wants the sandbox's token.
            return token != null && port == EgressSidecars.API_PORT ? new SandboxEndpoint(endpoint.endpoint(),
                    EgressSidecarEnv.tokenHeader(token)) : endpoint;
        });
    }

    @Override
    public InternalEndpoint internalEndpoint(String id, int port) {
        return translated(() -> Endpoints.internal(published(id), port));
    }

    /** The sandbox's container, with the ports its egress sidecar publishes for it when it has one. */
    private ContainerInfo published(String id) {
        ContainerInfo info = find(id).orElseThrow(() -> new SandboxException(404, DockerErrors.SANDBOX_NOT_FOUND,
                "sandbox " + id + " has no container"));
        if (info.labels().get(EgressSidecars.TOKEN_LABEL) == null) {
            return info;
        }
        ContainerInfo sidecar = sidecars.find(id).orElseThrow(() -> new SandboxException(503,
                DockerErrors.EXECD_START_FAILED, "the egress sidecar of sandbox " + id + " is gone"));
        return info.withHostPorts(sidecar.hostPorts());
    }

    /**
     * The containers an earlier server left, by label. An engine that does not answer yields none (with a warning)
     * rather than stopping the server: its containers are adopted by the next start that reaches the engine.
     */
    @Override
    public List<RecoveredSandbox> recover() {
        try {
            classArchive.removeLeftovers();
            removeOrphanSidecars();
            return containers.findByLabel(SandboxLabels.ID, null).stream()
                    .map(info -> new RecoveredSandbox(SandboxLabels.spec(info), status(info))).toList();
        } catch (SandboxException e) {
            LOG.warn("no Docker sandboxes recovered: {}", e.getMessage());
            return List.of();
        }
    }

    /** Sidecars whose sandbox container is gone: a server stopped between creating or removing the two. */
    private void removeOrphanSidecars() {
        for (ContainerInfo sidecar : sidecars.all()) {
            String sandbox = sidecar.labels().get(EgressSidecars.SIDECAR_FOR);
            if (find(sandbox).isEmpty()) {
                LOG.info("removing the egress sidecar of sandbox {}, whose container is gone", sandbox);
                sidecars.remove(sandbox);
            }
        }
    }

    @Override
    public List<String> images() {
        return translated(() -> containers.findByLabel(SandboxLabels.ID, null).stream().map(ContainerInfo::image)
                .distinct().toList());
    }

    /** Containers stay for {@link #recover()} on the next start; only the engine connection closes. */
    @Override
    public void close() {
        classArchive.close();
        engine.close();
    }

    /** Bad input that only shows when applied (a capability name, an unreadable seccomp profile) is the caller's. */
    private static <T> T translated(Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalArgumentException e) {
            throw new SandboxException(400, "SANDBOX::INVALID_PARAMETER", e.getMessage(), e);
        }
    }
}
