package dev.kernelgate.http;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Safe resolution of client-supplied relative paths under a served directory. */
public final class StaticFiles {

    private StaticFiles() {
    }

    /**
     * {@code root/relative}, or empty when {@code relative} is absolute, malformed, or climbs out of
     * {@code root} (e.g. {@code ../../etc/passwd}). Does not touch the file system.
     */
    public static Optional<Path> resolveUnder(Path root, String relative) {
        try {
            Path base = root.toAbsolutePath().normalize();
            Path rel = Path.of(relative);
            if (rel.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
                return Optional.empty();
            }
            Path resolved = base.resolve(rel).normalize();
            return resolved.startsWith(base) ? Optional.of(resolved) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
