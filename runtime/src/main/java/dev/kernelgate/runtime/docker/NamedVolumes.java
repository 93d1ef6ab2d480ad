package dev.kernelgate.runtime.docker;

import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.kernelgate.runtime.spi.SandboxException;
import java.util.Map;
import java.util.Optional;

/**
 * Docker named volumes, the docker runtime's {@code pvc} backend: looked up, created with the labels that mark them
 * as this server's, and removed only when they carry those labels.
 */
public final class NamedVolumes {
    /** Upstream's label on the volumes its server creates; Kernelgate sets it too, so either server knows them. */
    static final String MANAGED_BY = "opensandbox.io/volume-managed-by";
    static final String MANAGED_BY_VALUE = "server";
    /** Kernelgate's own mark: only volumes carrying it are ever removed. */
    static final String CREATED_BY = "kernelgate.dev/volume-created-by";
    static final String CREATED_BY_VALUE = "kernelgate";

    private final DockerEngine engine;

    public NamedVolumes(DockerEngine engine) {
        this.engine = engine;
    }

    /** What the engine says of one volume. */
    public record VolumeInfo(String name, String driver, String mountpoint, Map<String, String> labels) {
        public VolumeInfo {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        boolean createdByKernelgate() {
            return CREATED_BY_VALUE.equals(labels.get(CREATED_BY));
        }
    }

    public Optional<VolumeInfo> inspect(String name) {
        return engine.call("inspect volume " + name, () -> {
            try {
                InspectVolumeResponse r = engine.client().inspectVolumeCmd(name).exec();
                return Optional.of(new VolumeInfo(r.getName(), r.getDriver(), r.getMountpoint(), r.getLabels()));
            } catch (NotFoundException e) {
                return Optional.empty();
            }
        });
    }

    /** Creates a volume with the local driver and this server's labels; returns what the engine then reports. */
    public VolumeInfo create(String name) {
        engine.run("create volume " + name, () -> engine.client().createVolumeCmd().withName(name)
                .withLabels(Map.of(MANAGED_BY, MANAGED_BY_VALUE, CREATED_BY, CREATED_BY_VALUE)).exec());
        return inspect(name).orElseThrow(() -> new SandboxException(500, DockerErrors.ENGINE_ERROR,
                "volume " + name + " vanished right after it was created"));
    }

    /**
     * Removes the volume if this server created it (its labels say so) and no container uses it any more.
     *
     * @return whether it is gone now
     */
    public boolean removeIfCreatedHere(String name) {
        Optional<VolumeInfo> info = inspect(name);
        if (info.isEmpty()) {
            return true;
        }
        if (!info.get().createdByKernelgate()) {
            return false;
        }
        return engine.call("remove volume " + name, () -> {
            try {
                engine.client().removeVolumeCmd(name).exec();
                return true;
            } catch (NotFoundException e) {
                return true;
            } catch (ConflictException e) {
                // Still mounted by another container (another sandbox names it): it stays.
                return false;
            }
        });
    }
}
