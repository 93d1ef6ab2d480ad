package dev.kernelgate.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** The commented configuration templates {@code kernelgate init-config --example} writes. */
public final class ConfigTemplates {
    public static final List<String> EXAMPLES = List.of("local", "docker", "kubernetes");

    private ConfigTemplates() {
    }

    public static String text(String example) {
        if (!EXAMPLES.contains(example)) {
            throw new IllegalArgumentException("no example '" + example + "' (have: " + EXAMPLES + ")");
        }
        try (InputStream in = ConfigTemplates.class.getResourceAsStream("example." + example + ".toml")) {
            if (in == null) {
                throw new IllegalStateException("template example." + example + ".toml is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the template to {@code target} (parents created, owner-only permissions where supported, since it will
     * hold an API key).
     *
     * @throws FileAlreadyExistsException when the file exists and {@code force} is false
     */
    public static void write(Path target, String example, boolean force) throws IOException {
        String text = text(example);
        if (target.toAbsolutePath().getParent() != null) {
            Files.createDirectories(target.toAbsolutePath().getParent());
        }
        if (force) {
            Files.writeString(target, text, StandardCharsets.UTF_8);
        } else {
            Files.writeString(target, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        }
        try {
            Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }
}
