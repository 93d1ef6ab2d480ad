package dev.kernelgate.kernelspecs;

import dev.kernelgate.kernelspecs.java.JavaKernelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The kernels Kernelgate ships (today: the Java kernel), written as an ordinary kernels directory so discovery finds
 * them even where no Jupyter data dir exists. The directory is keyed by the spec's argv, so two Kernelgate installs
 * (say, a jar and a test class path) never overwrite each other's spec. It is searched last: an installed spec of
 * the same name wins.
 */
public final class BundledKernels {
    private BundledKernels() {
    }

    /** Writes the bundled specs for this JVM and returns the kernels directory holding them. */
    public static Path install(Map<String, String> env, Path home) {
        JavaKernelSpec java = JavaKernelSpec.forCurrentJvm();
        Path dir = cacheDir(env, home).resolve("kernels-" + digest(String.join("\u0000", java.argv())));
        try {
            java.writeTo(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bundled kernelspecs to " + dir, e);
        }
        return dir;
    }

    /** {@code $XDG_CACHE_HOME/kernelgate} or {@code ~/.cache/kernelgate}. */
    static Path cacheDir(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".cache");
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
