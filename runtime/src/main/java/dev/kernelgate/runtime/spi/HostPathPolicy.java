package dev.kernelgate.runtime.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Which host paths sandboxes may mount ({@code allowed_host_paths}): a volume's host path with its {@code subPath} is
 * allowed when it lies under one of the allowed roots, both as written and once symbolic links are resolved (a link
 * inside an allowed root must not lead out of it, nor may a path not created yet below such a link). No roots means
 * no host mounts at all, as upstream. The request parser checks every volume with it, whatever the runtime; the
 * runtimes that bind host paths check again when they bind, and bind the resolved path.
 */
public final class HostPathPolicy {
    public static final String NOT_ALLOWED = "VOLUME::HOST_PATH_NOT_ALLOWED";

    private final List<Path> allowedRoots;

    public HostPathPolicy(List<Path> allowedRoots) {
        for (Path root : allowedRoots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("allowed_host_paths entries must be absolute, not " + root);
            }
        }
        this.allowedRoots = allowedRoots.stream().map(Path::normalize).toList();
    }

    public List<Path> allowedRoots() {
        return allowedRoots;
    }

    /**
     * @param volume   the volume's name, for the message
     * @param hostPath the volume's {@code host.path}
     * @param subPath  the volume's {@code subPath}, or null
     * @return the path to bind: resolved through its symbolic links as far as it exists, normalised below that
     * @throws SandboxException {@code VOLUME::HOST_PATH_NOT_ALLOWED} (400) when the path is relative or outside every
     *                          root, as written or resolved
     */
    public Path check(String volume, String hostPath, String subPath) {
        String written = subPath == null || subPath.isBlank() ? hostPath : hostPath + "/" + subPath;
        Path path;
        try {
            path = Path.of(written);
        } catch (InvalidPathException e) {
            throw refused(volume, written, "it is not a valid path (" + e.getReason() + ")");
        }
        if (!path.isAbsolute()) {
            throw refused(volume, written, "it is not absolute");
        }
        Path normal = path.normalize();
        if (allowedRoots.stream().noneMatch(normal::startsWith)) {
            throw refused(volume, written, allowedRoots.isEmpty()
                    ? "no host paths are allowed (allowed_host_paths is empty)"
                    : "it is not under any of allowed_host_paths " + allowedRoots);
        }
        Path real = resolved(normal);
        if (real == null) {
            throw refused(volume, written, "its symbolic links cannot be resolved");
        }
        if (allowedRoots.stream().noneMatch(root -> real.startsWith(orElse(resolved(root), root)))) {
            throw refused(volume, written, "it resolves through a symbolic link to " + real
                    + ", outside allowed_host_paths");
        }
        return real;
    }

    /**
     * The real path of the deepest part of {@code path} that exists, with the rest appended: a path that does not
     * exist yet is judged by where the links above it lead (docker creates it there). Null when it cannot be
     * resolved (a component not searchable).
     */
    private static Path resolved(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        } catch (IOException e) {
            return null;
        }
    }

    private static Path orElse(Path path, Path fallback) {
        return path == null ? fallback : path;
    }

    private static SandboxException refused(String volume, String hostPath, String why) {
        return new SandboxException(400, NOT_ALLOWED,
                "Volume '" + volume + "' host path " + hostPath + " cannot be mounted: " + why + ".");
    }
}
