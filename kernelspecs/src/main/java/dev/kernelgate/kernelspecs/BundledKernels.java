package dev.kernelgate.kernelspecs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernels Kernelgate ships (today: the Java kernel), written as an ordinary kernels directory so discovery finds
 * them even where no Jupyter data dir exists. The directory is keyed by the spec's argv, so two Kernelgate installs
 * (say, a jar and a test class path) never overwrite each other's spec. It is searched last: an installed spec of
 * the same name wins.
 */
public final class BundledKernels {
    private static final Logger log = LoggerFactory.getLogger(BundledKernels.class);

    private BundledKernels() {
    }

    /**
     * Writes the bundled specs for this JVM and returns the kernels directory holding them: under the user cache dir
     * ({@link #cacheDir}), else, when that cannot be written (read-only home, a file in the way), a fresh temporary
     * directory removed when the JVM exits. Never throws: a server or a listing must start without the bundled
     * kernels rather than not at all, so when neither can be written it warns and returns a directory that holds none.
     */
    public static Path install(Map<String, String> env, Path home) {
        Path cache = cacheDir(env, home);
        JavaKernelSpec java = JavaKernelSpec.forCurrentJvm(cache);
        Path dir = cache.resolve("kernels-" + digest(String.join("\u0000", java.argv())));
        try {
            java.writeTo(dir);
            return dir;
        } catch (IOException | RuntimeException e) {
            try {
                Path temporary = writeTemporary(java);
                log.warn("Cannot write the bundled kernelspecs to {} ({}); using {} until exit. Set XDG_CACHE_HOME to"
                        + " a writable directory to keep them.", dir, e, temporary);
                return temporary;
            } catch (IOException | RuntimeException second) {
                log.warn("Cannot write the bundled kernelspecs to {} ({}) nor to a temporary directory ({}): the Java"
                        + " kernel is not offered.", dir, e, second.toString());
                return dir;
            }
        }
    }

    private static Path writeTemporary(JavaKernelSpec java) throws IOException {
        Path kernels = Files.createTempDirectory("kernelgate-kernels-"); // private (0700), a fresh name per JVM
        kernels.toFile().deleteOnExit();
        Path spec = java.writeTo(kernels);
        // Registered after their directories: deleteOnExit deletes in reverse order, so files go first.
        spec.toFile().deleteOnExit();
        Stream.concat(Stream.of(KernelSpec.KERNEL_JSON), JavaKernelSpec.LOGOS.stream())
                .forEach(file -> spec.resolve(file).toFile().deleteOnExit());
        return kernels;
    }

    /**
     * {@code $XDG_CACHE_HOME/kernelgate}, or {@code ~/.cache/kernelgate} when that is unset, empty or relative (the
     * XDG base directory spec says to ignore a relative path).
     */
    public static Path cacheDir(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        return base.resolve("kernelgate");
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
