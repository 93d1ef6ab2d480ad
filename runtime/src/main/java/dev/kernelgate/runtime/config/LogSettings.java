package dev.kernelgate.runtime.config;

import java.nio.file.Path;

/** {@code [log]}: level and optional log files, as upstream. */
public record LogSettings(String level, boolean fileEnabled, Path filePath, Path accessFilePath, long fileMaxBytes,
                          int fileBackupCount) {

    public static LogSettings defaults() {
        return new LogSettings("INFO", false, null, null, 10L * 1024 * 1024, 5);
    }

    public LogSettings withLevel(String l) {
        return new LogSettings(l, fileEnabled, filePath, accessFilePath, fileMaxBytes, fileBackupCount);
    }
}
