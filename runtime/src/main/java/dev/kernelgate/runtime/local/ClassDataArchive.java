package dev.kernelgate.runtime.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A dynamic AppCDS archive of the classes a child execd loads, so cold children map them instead of parsing and
 * verifying them (about 1.0 s to about 0.55 s from execd start to listening, measured here). One training child
 * writes it at exit ({@code -XX:ArchiveClassesAtExit}); later children read it ({@code -XX:SharedArchiveFile}).
 * Its name hashes the JVM, the class path (with each jar's size and time) and the JVM options, so a rebuilt jar or
 * another JDK never reads a stale archive. CDS needs a class path of jars only: under Maven's directories there is
 * none, and children start as before.
 */
final class ClassDataArchive {
    private final Path file;

    private ClassDataArchive(Path file) {
        this.file = file;
    }

    static Optional<ClassDataArchive> forChildren(ChildJvm jvm, List<String> options, Path dir) {
        StringBuilder identity = new StringBuilder(jvm.java()).append('\n');
        for (String entry : jvm.classPath().split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
                return Optional.empty();
            }
            try {
                identity.append(entry).append(' ').append(Files.size(p)).append(' ')
                        .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        identity.append(String.join(" ", options));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.toString()
                    .getBytes(StandardCharsets.UTF_8));
            return Optional.of(new ClassDataArchive(dir.resolve("execd-" + HexFormat.of().formatHex(digest, 0, 8)
                    + ".jsa")));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }

    boolean ready() {
        return Files.isRegularFile(file);
    }

    /** Options for a child: read the archive when it exists. */
    List<String> useOptions() {
        return ready() ? List.of("-XX:SharedArchiveFile=" + file) : List.of();
    }

    /** Options for the training child: write the archive (under a temporary name) when it exits. */
    List<String> trainOptions() {
        return List.of("-XX:ArchiveClassesAtExit=" + training());
    }

    /** Publishes what the training child wrote; false when it wrote nothing. */
    boolean publish() {
        try {
            if (!Files.isRegularFile(training())) {
                return false;
            }
            Files.move(training(), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path training() {
        return file.resolveSibling(file.getFileName() + ".training");
    }

    Path file() {
        return file;
    }
}
