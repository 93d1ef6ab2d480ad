package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.RecoveredSandbox;
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

    DockerRuntime(DockerEngine engine, SandboxContainers containers, SandboxStarter starter,
                  DockerRuntimeSettings settings, ExecdClassArchive classArchive) {
        this.engine = engine;
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
     * Refuses what this runtime would otherwise ignore: an egress {@code networkPolicy} (there is no egress sidecar;
     * upstream refuses it too wherever it cannot enforce it) and volumes other than allowed host paths and named
     * volumes, or named volumes the engine could not name.
     */
    @Override
    public void validate(SandboxSpec spec) {
        translated(() -> {
            if (spec.networkPolicy() != null) {
                throw new SandboxException(400, "SANDBOX::INVALID_PARAMETER", "networkPolicy is not supported by "
                        + "the docker runtime (no egress sidecar); create the sandbox without it");
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
            try {
                Map<String, String> labels = new HashMap<>(SandboxLabels.of(spec, network, port));
                labels.putAll(prepared.labels());
                List<ContainerMount> mounts = new ArrayList<>(prepared.mounts());
                if (settings.execdLogDir() != null) {
                    mounts.add(new HostMount(execdLogDir(spec.id()), DockerRuntimeSettings.EXECD_LOG_MOUNT, false));
                }
                ContainerSpec container = new ContainerSpec(containerName(spec.id()), spec.image().uri(),
                        spec.entrypoint(), spec.env(), labels, network, port, spec.resources().cpuMillis(),
                        spec.resources().memoryBytes(), settings.security(), mounts);
                starter.start(container);
            } catch (RuntimeException e) {
                // The starter left no container; the volumes made for it go too.
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
            volumes.release(volumesToRemove);
            return null;
        });
    }

    @Override
    public SandboxEndpoint endpoint(String id, int port) {
        return translated(() -> {
            ContainerInfo info = find(id).orElseThrow(() -> new SandboxException(404,
                    DockerErrors.SANDBOX_NOT_FOUND, "sandbox " + id + " has no container"));
            return Endpoints.of(info, port, settings.advertisedHost());
        });
    }

    @Override
    public InternalEndpoint internalEndpoint(String id, int port) {
        return translated(() -> Endpoints.internal(find(id).orElseThrow(() -> new SandboxException(404,
                DockerErrors.SANDBOX_NOT_FOUND, "sandbox " + id + " has no container")), port));
    }

    /**
     * The containers an earlier server left, by label. An engine that does not answer yields none (with a warning)
     * rather than stopping the server: its containers are adopted by the next start that reaches the engine.
     */
    @Override
    public List<RecoveredSandbox> recover() {
        try {
            classArchive.removeLeftovers();
            return containers.findByLabel(SandboxLabels.ID, null).stream()
                    .map(info -> new RecoveredSandbox(SandboxLabels.spec(info), status(info))).toList();
        } catch (SandboxException e) {
            LOG.warn("no Docker sandboxes recovered: {}", e.getMessage());
            return List.of();
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
