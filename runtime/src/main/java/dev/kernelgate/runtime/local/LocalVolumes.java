package dev.kernelgate.runtime.local;

import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.VolumeDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime's named volumes ({@code pvc}): one directory per {@code claimName} under
 * {@code <state directory>/volumes}, shared by every sandbox naming it and kept across sandboxes and restarts. A
 * missing one is created when {@code createIfNotExists}, else refused; a {@code subPath} is walked inside it without
 * following links.
 */
final class LocalVolumes {
    /** The state directory's entry holding the volumes; sandbox directories are named by UUIDs, never this. */
    static final String DIRECTORY = "volumes";
    private static final Logger LOG = LoggerFactory.getLogger(LocalVolumes.class);

    private final Path root;

    LocalVolumes(Path stateDir) {
        this.root = stateDir.resolve(DIRECTORY);
    }

    Path root() {
        return root;
    }

    /** A volume's directory made ready: where to link it, and whether this call created the volume. */
    record Resolved(Path target, boolean created) {
    }

    /**
     * @return the directory to link at the volume's mount path: the volume's, or its subPath's inside it
     * @throws SandboxException 400 {@value VolumeDirectories#PVC_NOT_FOUND} for a missing volume without
     *                          {@code createIfNotExists}; 400 {@value VolumeDirectories#INVALID_SUB_PATH} when the
     *                          subPath meets a link or a file
     */
    Resolved resolve(SandboxSpec.VolumeSpec volume) throws IOException {
        return resolve(volume, true);
    }

    /** What {@link #resolve} would refuse, found without creating anything. */
    void check(SandboxSpec.VolumeSpec volume) throws IOException {
        resolve(volume, false);
    }

    private Resolved resolve(SandboxSpec.VolumeSpec volume, boolean create) throws IOException {
        SandboxSpec.PvcClaim pvc = volume.pvc();
        Path directory = root.resolve(pvc.claimName());
        boolean created = false;
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            if (!pvc.createIfNotExists()) {
                throw new SandboxException(400, VolumeDirectories.PVC_NOT_FOUND, "Volume '" + volume.name()
                        + "': the named volume '" + pvc.claimName() + "' does not exist (no directory "
                        + directory + "); set pvc.createIfNotExists to create it.");
            }
            if (!create) {
                return new Resolved(directory, false);
            }
            try {
                Files.createDirectories(root);
                Files.createDirectory(directory);
                created = true;
            } catch (FileAlreadyExistsException e) {
                // Created meanwhile for another sandbox: shared, as named.
            }
        }
        String below = volume.subPath() == null ? pvc.claimName() : pvc.claimName() + "/" + volume.subPath();
        return new Resolved(VolumeDirectories.subdirectory(volume.name(), root, below, create), created);
    }

    /** Removes a volume's directory and everything in it, never following a link out of it. */
    void remove(String claimName) {
        Path directory = root.resolve(claimName);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("named volume {} was not removed completely: {}", claimName, e.toString());
        }
    }

    /** The claims among {@code names} that none of {@code inUse} names. */
    static List<String> unused(List<String> names, List<SandboxSpec> inUse) {
        return names.stream().filter(name -> inUse.stream().flatMap(s -> s.volumes().stream())
                .noneMatch(v -> name.equals(v.pvcClaimName()))).toList();
    }
}
