package dev.kernelgate.runtime.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code [local]} (ours): the local runtime, sandboxes as child execd processes.
 *
 * @param stateDir              where sandbox directories and pid files live (null: {@code ~/.kernelgate/sandboxes})
 * @param javaOptions           JVM flags for each child execd (start-up time matters more than peak speed)
 * @param startupTimeoutSeconds how long a child execd may take to answer before the create fails
 * @param pidsLimit             RLIMIT_NPROC for the sandbox's processes, 0 for none
 * @param openFilesLimit        RLIMIT_NOFILE, 0 for none
 * @param warmPoolSize          children kept started and warmed, so a create need not wait for a JVM (0: none)
 */
public record LocalSettings(Path stateDir, List<String> javaOptions, int startupTimeoutSeconds, long pidsLimit,
                            long openFilesLimit, int warmPoolSize) {
    public LocalSettings {
        javaOptions = List.copyOf(javaOptions);
    }

    public static final List<String> DEFAULT_JAVA_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError");

    public static LocalSettings defaults() {
        return new LocalSettings(null, DEFAULT_JAVA_OPTIONS, 30, 0, 0, 2);
    }

    public LocalSettings withStateDir(Path dir) {
        return new LocalSettings(dir, javaOptions, startupTimeoutSeconds, pidsLimit, openFilesLimit, warmPoolSize);
    }

    public LocalSettings withWarmPoolSize(int size) {
        return new LocalSettings(stateDir, javaOptions, startupTimeoutSeconds, pidsLimit, openFilesLimit, size);
    }
}
