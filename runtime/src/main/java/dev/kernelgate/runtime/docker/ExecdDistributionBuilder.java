package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Assembles the {@link ExecdDistribution} for a {@link DistributionSource} in a cache directory, under a hash of
 * everything in it (the Java runtime, the class path's bytes, the main class, the bootstrap script, the launcher), so
 * it is assembled once per build of Kernelgate and reused by every sandbox and every server start after that.
 *
 * <p>The Java runtime is hard-linked into the distribution from its own cache entry (copied when the file system
 * refuses links), so a new jar costs a copy of the jar, not of the 90 MB runtime.
 */
public final class ExecdDistributionBuilder {
    /**
     * JVM flags of execd in a sandbox. Serial GC and C1 only: execd is an I/O server that must answer its first
     * {@code /ping} fast on a small CPU share, and these flags cut its start-up and footprint the most.
     */
    static final String DEFAULT_JAVA_OPTS =
            "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError";

    private final JavaRuntimeImage runtime;
    private final Path cacheDir;

    public ExecdDistributionBuilder(JavaRuntimeImage runtime, Path cacheDir) {
        this.runtime = runtime;
        this.cacheDir = cacheDir;
    }

    /** The distribution for {@code source}, assembled first when this content was never assembled here. */
    public ExecdDistribution build(DistributionSource source) {
        Path jre = runtime.build();
        String bootstrap = resource("bootstrap.sh");
        List<String> libNames = new ArrayList<>();
        for (int i = 0; i < source.classPath().size(); i++) {
            Path entry = source.classPath().get(i);
            libNames.add(i + "-" + entry.getFileName() + (Files.isDirectory(entry) ? ".jar" : ""));
        }
        String launcher = launcher(libNames, source);
        String environment = distributionEnv(runtime.glibcLoader());
        ContentHash hash = ContentHash.start().add(jre.getFileName().toString()).add(bootstrap).add(launcher)
                .add(environment);
        try {
            source.classPath().forEach(hash::addTree);
        } catch (UncheckedIOException e) {
            throw failed("cannot read the class path", e.getCause());
        }
        String key = hash.hex();
        Path target = cacheDir.resolve("dist-" + key);
        if (Files.isDirectory(target)) {
            return new ExecdDistribution(target, key);
        }
        Path staging = cacheDir.resolve(".staging-dist-" + key + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(cacheDir);
            CacheDirectories.deleteTree(staging);
            Files.createDirectories(staging.resolve("bin"));
            Files.createDirectories(staging.resolve("lib"));
            Files.createDirectories(staging.resolve(ExecdClassArchive.DIRECTORY));
            linkTree(jre, staging.resolve("jre"));
            for (int i = 0; i < source.classPath().size(); i++) {
                Path entry = source.classPath().get(i);
                Path copy = staging.resolve("lib").resolve(libNames.get(i));
                if (Files.isDirectory(entry)) {
                    jar(entry, copy);
                } else {
                    Files.copy(entry, copy);
                }
            }
            writeExecutable(staging.resolve("bootstrap.sh"), bootstrap);
            writeExecutable(staging.resolve("bin/execd"), launcher);
            Files.writeString(staging.resolve("distribution.env"), environment, StandardCharsets.UTF_8);
            return new ExecdDistribution(CacheDirectories.publish(staging, target), key);
        } catch (IOException e) {
            throw failed("cannot assemble it in " + target, e);
        }
    }

    /** {@code bin/execd}: the distribution's Java on its class path; port and JVM flags from the environment. */
    static String launcher(List<String> libNames, DistributionSource source) {
        StringBuilder classPath = new StringBuilder();
        for (String name : libNames) {
            classPath.append(classPath.isEmpty() ? "" : ":").append("$home/lib/").append(name);
        }
        StringBuilder args = new StringBuilder();
        for (String arg : source.args()) {
            args.append(" '").append(arg.replace("'", "'\\''")).append('\'');
        }
        return "#!/bin/sh\n"
                + "# Starts Kernelgate's execd from this distribution (written by ExecdDistributionBuilder).\n"
                + "# With cds/execd.jsa (trained once per distribution, see ExecdClassArchive) the JVM maps the classes\n"
                + "# execd loads at start instead of loading them from the jar; KERNELGATE_EXECD_CDS_TRAIN=1 records it.\n"
                + "# KERNELGATE_EXECD_PORT / KERNELGATE_EXECD_HOST: its port (default 44772) and address (default 0.0.0.0);\n"
                + "# KERNELGATE_EXECD_JAVA_OPTS replaces the JVM flags.\n"
                + "case \"$0\" in */*) bin=\"${0%/*}\" ;; *) bin=. ;; esac\n"
                + "home=\"$(cd \"$bin/..\" && pwd)\"\n"
                + "cds=\n"
                + "if [ \"${KERNELGATE_EXECD_CDS_TRAIN:-}\" = 1 ]; then cds=\"-XX:ArchiveClassesAtExit=$home/"
                + ExecdClassArchive.TRAINING_FILE + "\"\n"
                + "elif [ -f \"$home/" + ExecdClassArchive.ARCHIVE_FILE + "\" ]; then cds=\"-XX:SharedArchiveFile=$home/"
                + ExecdClassArchive.ARCHIVE_FILE + "\"; fi\n"
                + "exec \"$home/jre/bin/java\" ${KERNELGATE_EXECD_JAVA_OPTS-" + DEFAULT_JAVA_OPTS + "} $cds"
                + " -Xlog:cds=off -Xlog:cds+dynamic=off -cp \""
                + classPath + "\" " + source.mainClass() + args
                + " ${KERNELGATE_EXECD_PORT:+--port \"$KERNELGATE_EXECD_PORT\"}"
                + " ${KERNELGATE_EXECD_HOST:+--host \"$KERNELGATE_EXECD_HOST\"}\n";
    }

    static String distributionEnv(String glibcLoader) {
        return "# Read by bootstrap.sh: the dynamic loader the distribution's Java runtime needs in the image.\n"
                + "KERNELGATE_GLIBC_LOADER=" + (glibcLoader == null ? "" : glibcLoader) + "\n";
    }

    private static String resource(String name) {
        try (InputStream in = ExecdDistributionBuilder.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the runtime module's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeExecutable(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Recreates {@code from} at {@code to} with hard links to its files (copies when links are refused). */
    private static void linkTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    try {
                        Files.createLink(target, source);
                    } catch (FileSystemException | UnsupportedOperationException e) {
                        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }

    /**
     * A class directory (Maven's target/classes) becomes a jar: the JVM's class-data sharing accepts only jars on the
     * class path, and the distribution's class path must be archivable (see {@link ExecdClassArchive}).
     */
    private static void jar(Path directory, Path jar) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path file : files) {
                out.putNextEntry(new JarEntry(directory.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    private static SandboxException failed(String what, Throwable cause) {
        return new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED,
                "cannot build the execd distribution for sandboxes: " + what + ": " + cause.getMessage(), cause);
    }
}
