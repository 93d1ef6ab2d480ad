package dev.kernelgate.runtime.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** SHA-256 names for cached build results: the first 16 hex digits of the hash of everything they depend on. */
final class ContentHash {
    private final MessageDigest digest;

    private ContentHash() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static String of(String... parts) {
        ContentHash hash = new ContentHash();
        for (String part : parts) {
            hash.add(part);
        }
        return hash.hex();
    }

    static ContentHash start() {
        return new ContentHash();
    }

    ContentHash add(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
        return this;
    }

    ContentHash add(byte[] bytes) {
        add(Integer.toString(bytes.length));
        digest.update(bytes);
        return this;
    }

    /** A file's bytes, or every file under a directory (relative names and bytes, in name order). */
    ContentHash addTree(Path path) {
        try {
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(path)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : files) {
                    add(path.relativize(file).toString());
                    addFile(file);
                }
            } else {
                addFile(path);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void addFile(Path file) throws IOException {
        add(Long.toString(Files.size(file)));
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
    }

    String hex() {
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }
}
