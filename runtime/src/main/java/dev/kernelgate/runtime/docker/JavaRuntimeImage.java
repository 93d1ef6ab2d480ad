package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Java runtime for sandboxes, {@code jlink}ed from a JDK on the host with the modules the Kernelgate jar needs, and
 * cached under the content it depends on (the JDK's {@code release} file and path, the module list), so it is built
 * once per JDK (~10-15 s) and reused by every distribution after that.
 *
 * <p>Why jlink rather than mounting the JDK: a distribution's JDK (Debian's) links its configuration into the host's
 * {@code /etc}, which the container does not have; a jlinked image is self-contained, about half the size, and gets
 * its own class-data-sharing archive ({@code --generate-cds-archive}), which saves ~0.1-0.2 s at every execd start.
 */
public final class JavaRuntimeImage {
    /**
     * What {@code jdeps --print-module-deps} reports for the Kernelgate jar, plus jdk.jshell's own needs (the bundled
     * Java kernel compiles cells in-process), TLS' elliptic curves and the zip file system, which jdeps cannot see
     * because they are looked up as services.
     */
    static final List<String> MODULES = List.of("java.base", "java.desktop", "java.management", "java.naming",
            "java.net.http", "java.sql", "jdk.jfr", "jdk.jshell", "jdk.management", "jdk.sctp", "jdk.unsupported",
            "jdk.crypto.ec", "jdk.zipfs");
    /** Modules that newer JDKs folded into others (jdk.crypto.ec into java.base in 22): used when present. */
    static final List<String> OPTIONAL_MODULES = List.of("jdk.crypto.ec");

    private final Path jdkHome;
    private final Path cacheDir;

    /**
     * @param jdkHome  a JDK with {@code bin/jlink} and {@code jmods/} (Debian's openjdk-17-jdk-headless has both)
     * @param cacheDir where images are kept
     */
    public JavaRuntimeImage(Path jdkHome, Path cacheDir) {
        this.jdkHome = jdkHome;
        this.cacheDir = cacheDir;
    }

    /** The cached image, built first when missing. */
    public Path build() {
        Path jlink = jdkHome.resolve("bin/jlink");
        if (!Files.isExecutable(jlink)) {
            throw new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED, "cannot build the sandboxes' "
                    + "Java runtime: " + jdkHome + " has no bin/jlink; run the server on a full JDK (JAVA_HOME)");
        }
        // jlink links from jmods/ (JDK 17) or, without them, from the run-time image itself (JEP 493, JDK 24+).
        String release = read(jdkHome.resolve("release"));
        List<String> modules = new ArrayList<>();
        for (String module : MODULES) {
            if (!OPTIONAL_MODULES.contains(module) || release.matches("(?s).*MODULES=\"[^\"]*\\b"
                    + module.replace(".", "\\.") + "\\b.*")) {
                modules.add(module);
            }
        }
        Path image = cacheDir.resolve("jre-" + ContentHash.of(jdkHome.toAbsolutePath().toString(), release,
                String.join(",", modules)));
        if (Files.isDirectory(image)) {
            return image;
        }
        Path staging = cacheDir.resolve(".staging-" + image.getFileName() + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(cacheDir);
            CacheDirectories.deleteTree(staging);
            run(List.of(jlink.toString(), "--add-modules", String.join(",", modules), "--strip-debug",
                    "--no-header-files", "--no-man-pages", "--generate-cds-archive", "--output", staging.toString()));
            return CacheDirectories.publish(staging, image);
        } catch (IOException e) {
            throw new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED,
                    "cannot build the sandboxes' Java runtime in " + image + ": " + e.getMessage(), e);
        }
    }

    /** The path of the glibc dynamic loader the JDK's binaries need, from its {@code release} file; null if unknown. */
    public String glibcLoader() {
        String release = read(jdkHome.resolve("release"));
        if (release.contains("OS_ARCH=\"x86_64\"") || release.contains("OS_ARCH=\"amd64\"")) {
            return "/lib64/ld-linux-x86-64.so.2";
        }
        if (release.contains("OS_ARCH=\"aarch64\"")) {
            return "/lib/ld-linux-aarch64.so.1";
        }
        return null;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("jlink failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while jlink ran");
        }
    }
}
