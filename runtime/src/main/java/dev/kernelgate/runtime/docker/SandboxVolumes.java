package dev.kernelgate.runtime.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.VolumeDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox's volumes on the engine. {@code host}: the allowed host path, bound. {@code pvc}: the Docker named
 * volume {@code claimName}, which must exist unless {@code createIfNotExists} (then it is created, labelled as
 * this server's); mounted whole, or with a {@code subPath} as a bind of that directory below the volume's mount
 * point (upstream's way; the engine API's own volume subpath needs API 1.45). Volumes created for a sandbox with
 * {@code deleteOnSandboxTermination} are listed in a container label and removed with it; a failed create removes
 * every volume it created.
 */
final class SandboxVolumes {
    /** The container label listing the volumes to remove with it (upstream's key, a JSON array of names). */
    static final String DELETE_WITH_SANDBOX = NamedVolumes.MANAGED_BY;
    static final String SUBPATH_UNSUPPORTED_DRIVER = "VOLUME::PVC_SUBPATH_UNSUPPORTED_DRIVER";
    static final String SUBPATH_UNAVAILABLE = "VOLUME::PVC_SUBPATH_UNAVAILABLE";
    static final String INVALID_PVC_NAME = "VOLUME::INVALID_PVC_NAME";
    private static final Logger LOG = LoggerFactory.getLogger(SandboxVolumes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NamedVolumes volumes;
    private final HostPathPolicy hostPaths;

    SandboxVolumes(NamedVolumes volumes, HostPathPolicy hostPaths) {
        this.volumes = volumes;
        this.hostPaths = hostPaths;
    }

    /** The mounts, the volumes created for them, and those of these to remove with the sandbox. */
    record Prepared(List<ContainerMount> mounts, List<String> created, List<String> deleteWithSandbox) {
        Prepared {
            mounts = List.copyOf(mounts);
            created = List.copyOf(created);
            deleteWithSandbox = List.copyOf(deleteWithSandbox);
        }

        /** The container labels that record what to remove with the sandbox (none when nothing). */
        Map<String, String> labels() {
            if (deleteWithSandbox.isEmpty()) {
                return Map.of();
            }
            try {
                return Map.of(DELETE_WITH_SANDBOX, JSON.writeValueAsString(deleteWithSandbox));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a list of strings is always JSON", e);
            }
        }
    }

    /**
     * What can be refused before anything is created: other backends, host paths outside the policy, names the
     * engine would refuse, missing volumes without {@code createIfNotExists}, subPaths an existing volume cannot
     * serve. {@link #prepare} checks again, as things may change in between.
     */
    void check(SandboxSpec spec) {
        checkRequest(spec);
        for (SandboxSpec.VolumeSpec volume : spec.volumes()) {
            if (volume.pvc() == null) {
                continue;
            }
            Optional<NamedVolumes.VolumeInfo> found = volumes.inspect(volume.pvc().claimName());
            if (found.isEmpty() && !volume.pvc().createIfNotExists()) {
                throw notFound(volume);
            }
            if (found.isPresent() && volume.subPath() != null) {
                subdirectory(volume, found.get(), false);
            }
        }
    }

    private static SandboxException notFound(SandboxSpec.VolumeSpec volume) {
        String claim = volume.pvc().claimName();
        return new SandboxException(400, VolumeDirectories.PVC_NOT_FOUND, "Volume '" + volume.name()
                + "': the Docker named volume '" + claim + "' does not exist; create it first (docker volume "
                + "create " + claim + ") or set pvc.createIfNotExists.");
    }

    /** What can be refused from the request alone. */
    private void checkRequest(SandboxSpec spec) {
        for (SandboxSpec.VolumeSpec volume : spec.volumes()) {
            if (volume.hostPath() != null) {
                hostPaths.check(volume.name(), volume.hostPath(), volume.subPath());
            } else if (volume.pvc() != null) {
                String claim = volume.pvc().claimName();
                if (!NamedVolumeMount.ENGINE_NAME.matcher(claim).matches()) {
                    throw new SandboxException(400, INVALID_PVC_NAME, "Volume '" + volume.name()
                            + "' pvc.claimName '" + claim + "' is not a Docker volume name: the engine wants at least "
                            + "two characters of letters, digits, '_', '.' and '-', starting with a letter or digit.");
                }
            } else {
                throw new SandboxException(400, DockerErrors.UNSUPPORTED_VOLUME, "Volume '" + volume.name()
                        + "': the docker runtime mounts host paths and named volumes (pvc) only, not "
                        + volume.kind() + ".");
            }
        }
    }

    /** Looks up (or creates) every named volume and builds the mounts; on a refusal, removes what it created. */
    Prepared prepare(SandboxSpec spec) {
        checkRequest(spec);
        List<ContainerMount> mounts = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> deleteWithSandbox = new ArrayList<>();
        try {
            for (SandboxSpec.VolumeSpec volume : spec.volumes()) {
                if (volume.hostPath() != null) {
                    Path source = hostPaths.check(volume.name(), volume.hostPath(), volume.subPath());
                    mounts.add(new HostMount(source, volume.mountPath(), volume.readOnly()));
                    continue;
                }
                SandboxSpec.PvcClaim pvc = volume.pvc();
                Optional<NamedVolumes.VolumeInfo> found = volumes.inspect(pvc.claimName());
                NamedVolumes.VolumeInfo info;
                if (found.isPresent()) {
                    info = found.get();
                } else if (pvc.createIfNotExists()) {
                    info = volumes.create(pvc.claimName());
                    created.add(pvc.claimName());
                    if (pvc.deleteOnSandboxTermination()) {
                        deleteWithSandbox.add(pvc.claimName());
                    }
                } else {
                    throw notFound(volume);
                }
                mounts.add(volume.subPath() == null
                        ? new NamedVolumeMount(pvc.claimName(), volume.mountPath(), volume.readOnly())
                        : new HostMount(subdirectory(volume, info, true), volume.mountPath(), volume.readOnly()));
            }
        } catch (RuntimeException e) {
            release(created);
            throw e;
        }
        return new Prepared(mounts, created, deleteWithSandbox);
    }

    /**
     * The subPath's directory below a local-driver volume's mount point, which must be on this server's file
     * system (an engine on this host). Walked without following links, created where missing.
     */
    private static Path subdirectory(SandboxSpec.VolumeSpec volume, NamedVolumes.VolumeInfo info, boolean create) {
        String name = info.name();
        if (!"local".equals(info.driver())) {
            throw new SandboxException(400, SUBPATH_UNSUPPORTED_DRIVER, "Volume '" + volume.name()
                    + "': subPath needs a named volume of the 'local' driver; '" + name + "' uses '"
                    + info.driver() + "'.");
        }
        Path mountpoint;
        try {
            mountpoint = info.mountpoint() == null || info.mountpoint().isEmpty() ? null : Path.of(info.mountpoint());
        } catch (InvalidPathException e) {
            mountpoint = null;
        }
        if (mountpoint == null || !mountpoint.isAbsolute() || !Files.isDirectory(mountpoint)) {
            throw new SandboxException(400, SUBPATH_UNAVAILABLE, "Volume '" + volume.name() + "': subPath is "
                    + "mounted as a bind of a directory below the named volume's mount point, and '" + name
                    + "' has its mount point (" + info.mountpoint() + ") where this server cannot see it (an engine "
                    + "on another host); mount the whole volume instead.");
        }
        try {
            return VolumeDirectories.subdirectory(volume.name(), mountpoint, volume.subPath(), create);
        } catch (IOException e) {
            throw new SandboxException(500, DockerErrors.ENGINE_ERROR, "Volume '" + volume.name()
                    + "': cannot prepare subPath '" + volume.subPath() + "' in named volume '" + name + "': " + e, e);
        }
    }

    /** Removes those of the volumes this server created that no container uses; the others stay (logged). */
    void release(List<String> names) {
        for (String name : names) {
            try {
                if (!volumes.removeIfCreatedHere(name)) {
                    LOG.info("named volume {} stays: it is still in use or was not created by this server", name);
                }
            } catch (SandboxException e) {
                LOG.warn("named volume {} was not removed: {}", name, e.getMessage());
            }
        }
    }

    /** The volumes a container's labels say to remove with it. */
    static List<String> toDelete(ContainerInfo container) {
        String listed = container.labels().get(DELETE_WITH_SANDBOX);
        if (listed == null || listed.isBlank()) {
            return List.of();
        }
        try {
            return JSON.readValue(listed, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            LOG.warn("container {}: label {} is not a JSON list of names: {}", container.id(), DELETE_WITH_SANDBOX,
                    listed);
            return List.of();
        }
    }
}
