package dev.kernelgate.runtime.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One child's directory under the runtime's state directory. The child writes {@code pool.ready} once warm,
 * {@code execd.port} once its execd listens and {@code entrypoint.exit} when the entrypoint ends; the parent writes
 * {@code spec.json} (what the sandbox is, for people looking) and {@code execd.pid}, which lets a restarted server
 * find what to reap.
 */
record SandboxDirectory(Path root) {
    static final String SPEC = "spec.json";
    static final String PORT = "execd.port";
    static final String PID = "execd.pid";
    static final String EXIT = "entrypoint.exit";
    static final String READY = "pool.ready";
    static final String EXECD_LOG = "execd.log";
    static final String ENTRYPOINT_LOG = "entrypoint.log";

    Path workspace() {
        return root.resolve("workspace");
    }

    Path tmp() {
        return root.resolve("tmp");
    }

    Path file(String name) {
        return root.resolve(name);
    }

    void create() {
        try {
            Files.createDirectories(workspace());
            Files.createDirectories(tmp());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Written to a temporary name and renamed, so a reader never sees half a file. */
    void write(String name, String content) {
        Path target = file(name);
        Path tmpFile = file("." + name + ".tmp");
        try {
            Files.writeString(tmpFile, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmpFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmpFile, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<String> read(String name) {
        try {
            return Optional.of(Files.readString(file(name), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The last {@code max} characters of a log, for error messages. */
    String tail(String name, int max) {
        String text = read(name).orElse("");
        return text.length() <= max ? text : "..." + text.substring(text.length() - max);
    }

    void deleteRecursively() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file a sandbox process still writes; the next start's recovery removes it
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // as above
        }
    }
}
