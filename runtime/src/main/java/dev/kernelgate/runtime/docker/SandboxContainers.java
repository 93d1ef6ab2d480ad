package dev.kernelgate.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import dev.kernelgate.runtime.spi.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sandbox containers on one engine: created from an unmodified image with the execd distribution mounted read-only
 * at {@value ExecdDistribution#MOUNT_POINT} and the entrypoint taken over by its bootstrap script, then paused,
 * resumed, inspected, found again by label and removed.
 */
public final class SandboxContainers {
    /** execd's port inside a bridge-networked container (upstream's). */
    public static final int EXECD_CONTAINER_PORT = 44772;
    /**
     * The sandbox's own HTTP port, published besides execd's in bridge mode and reached directly rather than through
     * execd's proxy (upstream's {@code opensandbox.io/http-port}).
     */
    public static final int HTTP_CONTAINER_PORT = 8080;
    /** The only host address ports are published on: execd has no authentication of its own. */
    static final String PUBLISH_ADDRESS = "127.0.0.1";
    /** The variable the distribution's execd launcher reads its port from. */
    public static final String EXECD_PORT_ENV = "KERNELGATE_EXECD_PORT";
    /** The variable the launcher reads execd's listening address from. */
    public static final String EXECD_HOST_ENV = "KERNELGATE_EXECD_HOST";

    private final DockerEngine engine;
    private final ExecdDistribution distribution;

    public SandboxContainers(DockerEngine engine, ExecdDistribution distribution) {
        this.engine = engine;
        this.distribution = distribution;
    }

    /**
     * Creates and starts the container; on any failure nothing is left behind.
     *
     * @return the container id
     * @throws SandboxException {@code DOCKER::IMAGE_NOT_FOUND} (404) for an image the engine does not have,
     *                         {@code DOCKER::IMAGE_UNSUPPORTED} (400) for an image without {@code /bin/sh}, or the
     *                         engine's refusal
     */
    public String createAndStart(ContainerSpec spec) {
        requireImage(spec.image());
        HostConfig host = hostConfig(spec);
        Map<String, String> env = new LinkedHashMap<>(spec.env());
        env.put(EXECD_PORT_ENV, Integer.toString(spec.execdPort()));
        if (spec.network() == NetworkMode.HOST) {
            // On the host's network execd would otherwise listen on every host address; it has no auth of its own.
            env.put(EXECD_HOST_ENV, "127.0.0.1");
        }
        String id = engine.call("create a container from " + spec.image(), () -> {
            CreateContainerCmd create = engine.client().createContainerCmd(spec.image())
                    .withName(spec.name())
                    .withEntrypoint(ExecdDistribution.BOOTSTRAP)
                    .withCmd(spec.entrypoint())
                    .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withLabels(spec.labels())
                    .withHostConfig(host);
            if (publishes(spec)) {
                create.withExposedPorts(publishedPorts(spec));
            }
            return create.exec().getId();
        });
        try {
            engine.run("start container " + spec.name(), () -> engine.client().startContainerCmd(id).exec());
        } catch (SandboxException e) {
            remove(id);
            throw startFailure(spec.image(), e);
        }
        return id;
    }

    void requireImage(String image) {
        try {
            engine.run("inspect image " + image, () -> engine.client().inspectImageCmd(image).exec());
        } catch (SandboxException e) {
            if (e.getCause() instanceof NotFoundException) {
                throw new SandboxException(404, DockerErrors.IMAGE_NOT_FOUND, "image " + image
                        + " is not on the Docker engine at " + engine.host() + "; pull or import it first");
            }
            throw e;
        }
    }

    /** A start the engine refused because the image has no shell to run the bootstrap script gets a clear message. */
    private static SandboxException startFailure(String image, SandboxException e) {
        return missingShell(e.getMessage()) ? noShell(image, e) : e;
    }

    /**
     * Whether the engine's or the container's words say the bootstrap could not be executed: its {@code #!/bin/sh}
     * interpreter is missing. Depending on the runtime this comes from the start call or as the container's output.
     */
    static boolean missingShell(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains(ExecdDistribution.BOOTSTRAP) && lower.contains("no such file or directory");
    }

    static SandboxException noShell(String image, Throwable cause) {
        return new SandboxException(400, DockerErrors.IMAGE_UNSUPPORTED, "image " + image
                + " cannot run the injected execd: it has no /bin/sh to run " + ExecdDistribution.BOOTSTRAP
                + " (sandbox images need a glibc userland with /bin/sh, e.g. Debian or Ubuntu)", cause);
    }

    private HostConfig hostConfig(ContainerSpec spec) {
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(distribution.directory().toString(), new Volume(ExecdDistribution.MOUNT_POINT),
                AccessMode.ro));
        for (ContainerMount mount : spec.mounts()) {
            // A source that is not an absolute path names a volume: the engine mounts that volume.
            binds.add(new Bind(mount.source(), new Volume(mount.containerPath()),
                    mount.readOnly() ? AccessMode.ro : AccessMode.rw));
        }
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(spec.networkOf() != null ? "container:" + spec.networkOf() : spec.network().engineName())
                .withBinds(binds)
                .withCapDrop(capabilities(spec.security().dropCapabilities()))
                .withSecurityOpts(securityOptions(spec.security()));
        if (spec.security().pidsLimit() > 0) {
            host.withPidsLimit(spec.security().pidsLimit());
        }
        if (spec.memoryBytes() > 0) {
            // Swap equal to memory: the limit holds for memory plus swap, as Kubernetes' limits do.
            host.withMemory(spec.memoryBytes()).withMemorySwap(spec.memoryBytes());
        }
        if (spec.cpuMillis() > 0) {
            host.withNanoCPUs(spec.cpuMillis() * 1_000_000L);
        }
        if (publishes(spec)) {
            // Published on loopback only, each on a port the engine picks: never on every address of the host.
            Ports ports = new Ports();
            for (ExposedPort port : publishedPorts(spec)) {
                ports.bind(port, Ports.Binding.bindIp(PUBLISH_ADDRESS));
            }
            host.withPortBindings(ports);
        }
        return host;
    }

    /** Bridge networking of its own: a container joining its sidecar's network has its ports published there. */
    private static boolean publishes(ContainerSpec spec) {
        return spec.network() == NetworkMode.BRIDGE && spec.networkOf() == null;
    }

    /** Bridge networking: the container ports published on the host, execd's and upstream's HTTP port. */
    private static ExposedPort[] publishedPorts(ContainerSpec spec) {
        return new ExposedPort[] {ExposedPort.tcp(spec.execdPort()), ExposedPort.tcp(HTTP_CONTAINER_PORT)};
    }

    static Capability[] capabilities(List<String> names) {
        Capability[] capabilities = new Capability[names.size()];
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).trim().toUpperCase(Locale.ROOT);
            if (name.startsWith("CAP_")) {
                name = name.substring(4);
            }
            try {
                capabilities[i] = Capability.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[docker] drop_capabilities: unknown capability " + names.get(i));
            }
        }
        return capabilities;
    }

    static List<String> securityOptions(ContainerSecurity security) {
        List<String> options = new ArrayList<>();
        if (security.noNewPrivileges()) {
            options.add("no-new-privileges:true");
        }
        if (security.seccompIsFile()) {
            // The engine takes the profile itself, not a path (the docker CLI reads the file the same way).
            try {
                options.add("seccomp=" + Files.readString(security.seccompFile(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException("[docker] seccomp_profile: cannot read " + security.seccompFile()
                        + ": " + e.getMessage());
            }
        } else if ("unconfined".equals(security.seccompProfile())) {
            options.add("seccomp=unconfined");
        }
        if (security.apparmorProfile() != null && !security.apparmorProfile().isBlank()) {
            options.add("apparmor=" + security.apparmorProfile());
        }
        return options;
    }

    /** Freezes every process of the container (cgroup freezer). */
    public void pause(String id) {
        engine.run("pause container " + id, () -> {
            try {
                engine.client().pauseContainerCmd(id).exec();
            } catch (NotFoundException e) {
                throw notFound(id);
            }
        });
    }

    /** Thaws a paused container. */
    public void resume(String id) {
        engine.run("resume container " + id, () -> {
            try {
                engine.client().unpauseContainerCmd(id).exec();
            } catch (NotFoundException e) {
                throw notFound(id);
            }
        });
    }

    private static SandboxException notFound(String id) {
        return new SandboxException(404, DockerErrors.SANDBOX_NOT_FOUND, "no container " + id + " on the engine");
    }

    /** The container's state, or empty when the engine has no such container. */
    public Optional<ContainerInfo> inspect(String id) {
        return engine.call("inspect container " + id, () -> {
            try {
                return Optional.of(info(engine.client().inspectContainerCmd(id).exec()));
            } catch (NotFoundException e) {
                return Optional.empty();
            }
        });
    }

    private static ContainerInfo info(InspectContainerResponse response) {
        InspectContainerResponse.ContainerState state = response.getState();
        Map<Integer, Integer> hostPorts = new HashMap<>();
        if (response.getNetworkSettings() != null && response.getNetworkSettings().getPorts() != null) {
            response.getNetworkSettings().getPorts().getBindings().forEach((exposed, bindings) -> {
                if (bindings != null && bindings.length > 0 && bindings[0].getHostPortSpec() != null) {
                    hostPorts.put(exposed.getPort(), Integer.parseInt(bindings[0].getHostPortSpec()));
                }
            });
        }
        Long exit = state.getExitCodeLong();
        Map<String, String> labels = response.getConfig().getLabels();
        return new ContainerInfo(response.getId(), response.getConfig().getImage(), state.getStatus(), exit == null ? 0 : exit, state.getError(),
                labels == null ? Map.of() : labels, hostPorts);
    }

    /** Stops the container: SIGTERM to its main process, SIGKILL after {@code graceSeconds}. */
    public void stop(String id, int graceSeconds) {
        engine.run("stop container " + id, () -> {
            try {
                engine.client().stopContainerCmd(id).withTimeout(graceSeconds).exec();
            } catch (NotModifiedException e) {
                // Already stopped.
            } catch (NotFoundException e) {
                throw notFound(id);
            }
        });
    }

    /** Removes the container with its anonymous volumes, stopping it first if needed; an unknown id is a no-op. */
    public void remove(String id) {
        engine.run("remove container " + id, () -> {
            try {
                engine.client().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException | NotModifiedException e) {
                // Already gone (or being removed): what the caller wanted.
            }
        });
    }

    /** Every container (running or not) carrying the label, with any value when {@code value} is null. */
    public List<ContainerInfo> findByLabel(String key, String value) {
        return engine.call("list containers labelled " + key, () -> {
            List<Container> containers = engine.client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(value == null ? List.of(key) : List.of(key + "=" + value)).exec();
            List<ContainerInfo> found = new ArrayList<>();
            for (Container container : containers) {
                inspect(container.getId()).ifPresent(found::add);
            }
            return found;
        });
    }

    /** The last {@code lines} lines of the container's output (stdout and stderr), for error messages. */
    public String logTail(String id, int lines) {
        StringBuilder out = new StringBuilder();
        try {
            engine.run("read the log of container " + id, () -> {
                try (ResultCallback.Adapter<Frame> callback = engine.client().logContainerCmd(id)
                        .withStdOut(true).withStdErr(true).withTail(lines)
                        .exec(new ResultCallback.Adapter<>() {
                            @Override
                            public void onNext(Frame frame) {
                                out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        })) {
                    callback.awaitCompletion(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    // Closing the log stream failed after it was read; what was read is still good.
                }
            });
        } catch (SandboxException e) {
            return "(log unavailable: " + e.getMessage() + ")";
        }
        return out.toString().strip();
    }
}
