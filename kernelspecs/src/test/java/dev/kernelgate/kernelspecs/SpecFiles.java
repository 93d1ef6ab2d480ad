package dev.kernelgate.kernelspecs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes kernelspec files for tests. */
final class SpecFiles {

    private SpecFiles() {
    }

    /** {@code <kernelsDir>/<dirName>/kernel.json} with {@code json}; returns the kernel directory. */
    static Path kernelDir(Path kernelsDir, String dirName, String json) {
        Path dir = kernelsDir.resolve(dirName);
        write(dir.resolve("kernel.json"), json);
        return dir;
    }

    /** A launchable kernel.json for {@code language} whose display name tells where it came from. */
    static String spec(String displayName, String language) {
        return "{\"argv\":[\"/bin/" + language + "\",\"-f\",\"{connection_file}\"],"
                + "\"display_name\":\"" + displayName + "\",\"language\":\"" + language + "\"}";
    }

    static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
