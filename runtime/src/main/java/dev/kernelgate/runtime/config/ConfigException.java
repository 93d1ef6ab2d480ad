package dev.kernelgate.runtime.config;

import java.nio.file.Path;

/** A configuration the server refuses to start with; the message names the file, line and key. */
public final class ConfigException extends RuntimeException {
    private final Path file;
    private final int line;
    private final String key;

    public ConfigException(Path file, int line, String key, String problem) {
        super(describe(file, line, key, problem));
        this.file = file;
        this.line = line;
        this.key = key;
    }

    private static String describe(Path file, int line, String key, String problem) {
        StringBuilder b = new StringBuilder();
        b.append(file == null ? "<config>" : file.toString());
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (key != null) {
            b.append(key).append(": ");
        }
        return b.append(problem).toString();
    }

    public Path file() {
        return file;
    }

    /** 1-based, 0 when unknown. */
    public int line() {
        return line;
    }

    /** The dotted key ({@code server.port}), or null. */
    public String key() {
        return key;
    }
}
