package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which host paths sandboxes may mount ({@code allowed_host_paths}): a path is allowed when it lies under one of the
 * allowed roots, both as written and once symbolic links are resolved (a link inside an allowed root must not lead
 * out of it). No roots means no host mounts at all, as upstream.
 */
public final class HostPathPolicy {
    private final List<Path> allowedRoots;

    public HostPathPolicy(List<Path> allowedRoots) {
        for (Path root : allowedRoots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("allowed_host_paths entries must be absolute, not " + root);
            }
        }
        this.allowedRoots = allowedRoots.stream().map(Path::normalize).toList();
    }

    /**
     * @return the normalised path
     * @throws SandboxException {@code VOLUME::HOST_PATH_NOT_ALLOWED} (400) when the path is relative or outside every root
     */
    public Path check(String hostPath) {
        Path path = Path.of(hostPath);
        if (!path.isAbsolute()) {
            throw refused(hostPath, "it is not absolute");
        }
        Path normal = path.normalize();
        if (allowedRoots.stream().noneMatch(normal::startsWith)) {
            throw refused(hostPath, allowedRoots.isEmpty()
                    ? "no host paths are allowed (allowed_host_paths is empty)"
                    : "it is not under any of allowed_host_paths " + allowedRoots);
        }
        if (Files.exists(normal) && allowedRoots.stream().noneMatch(root -> realUnder(normal, root))) {
            throw refused(hostPath, "it resolves through a symbolic link to a place outside allowed_host_paths");
        }
        return normal;
    }

    private static boolean realUnder(Path path, Path root) {
        try {
            return path.toRealPath().startsWith(Files.exists(root) ? root.toRealPath() : root);
        } catch (IOException e) {
            return false;
        }
    }

    private static SandboxException refused(String hostPath, String why) {
        return new SandboxException(400, DockerErrors.HOST_PATH_NOT_ALLOWED,
                "host path " + hostPath + " cannot be mounted: " + why);
    }
}
