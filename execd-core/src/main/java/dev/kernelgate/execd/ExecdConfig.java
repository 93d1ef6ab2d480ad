package dev.kernelgate.execd;

import dev.kernelgate.http.ConnectionLimits;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the execd face, parsed once from flags over environment ({@code EXECD_*}) over defaults.
 *
 * @param accessToken      required in {@code X-EXECD-ACCESS-TOKEN} when non-empty
 * @param envsFile         {@code KEY=VALUE} lines added to every command's environment ({@code EXECD_ENVS})
 * @param logFile          a rolling log file written beside the console ({@code EXECD_LOG_FILE}), or null
 * @param graceShutdown    {@code EXECD_API_GRACE_SHUTDOWN}: accepted for compatibility; streams end right after
 *                         their terminal event regardless
 * @param allowedRoots     optional policy: file routes only reach paths under these roots (empty = anywhere)
 * @param maxUploadBytes   optional policy: largest accepted upload (0 = unlimited)
 * @param workDir          directory relative paths resolve against, and where command output files live
 * @param connectionLimits request-head deadline and connections per client address (ours, not upstream's)
 * @param dropInDirs       directories of flat {@code <name>.json} kernelspecs, highest priority first
 *                         ({@code --drop-in-dir}, {@code EXECD_DROP_IN_DIRS}; default
 *                         {@link KernelSpecSearchPath#DEFAULT_DROP_IN_DIRS})
 */
public record ExecdConfig(String host, int port, String accessToken, Path envsFile, Path logFile,
                          Duration graceShutdown, List<Path> allowedRoots, long maxUploadBytes, Path workDir,
                          Path commandOutputDir, ConnectionLimits connectionLimits, List<Path> dropInDirs) {
    public static final int DEFAULT_PORT = 44772;

    public ExecdConfig {
        accessToken = accessToken == null ? "" : accessToken;
        allowedRoots = List.copyOf(allowedRoots);
        java.util.Objects.requireNonNull(connectionLimits, "connectionLimits");
        dropInDirs = List.copyOf(dropInDirs);
    }

    /** With the default drop-in directories. */
    public ExecdConfig(String host, int port, String accessToken, Path envsFile, Path logFile, Duration graceShutdown,
                       List<Path> allowedRoots, long maxUploadBytes, Path workDir, Path commandOutputDir,
                       ConnectionLimits connectionLimits) {
        this(host, port, accessToken, envsFile, logFile, graceShutdown, allowedRoots, maxUploadBytes, workDir,
                commandOutputDir, connectionLimits, KernelSpecSearchPath.DEFAULT_DROP_IN_DIRS);
    }

    /** With the default connection limits. */
    public ExecdConfig(String host, int port, String accessToken, Path envsFile, Path logFile, Duration graceShutdown,
                       List<Path> allowedRoots, long maxUploadBytes, Path workDir, Path commandOutputDir) {
        this(host, port, accessToken, envsFile, logFile, graceShutdown, allowedRoots, maxUploadBytes, workDir,
                commandOutputDir, ConnectionLimits.defaults());
    }
}
