package dev.kernelgate.cli;

import java.util.Locale;

/**
 * Picks how the JVM starts child processes (commands, kernels), once, before the first one starts.
 *
 * <p>The JDK's default on Linux is {@code posix_spawn} of its {@code jspawnhelper}, which then execs the
 * command: one extra exec per process, about half a millisecond here, on every {@code POST /command}.
 * {@code VFORK} execs the command directly. It was the JDK's Linux default until JDK 12 and exists up to at
 * least JDK 21; later JDKs deprecate it, so they keep their default. An explicit
 * {@code -Djdk.lang.Process.launchMechanism} always wins.
 */
final class ProcessLaunch {
    static final String PROPERTY = "jdk.lang.Process.launchMechanism";
    private static final int LAST_FEATURE_WITH_VFORK = 21;

    private ProcessLaunch() {
    }

    static void preferDirectExec() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (System.getProperty(PROPERTY) == null && os.contains("linux")
                && Runtime.version().feature() <= LAST_FEATURE_WITH_VFORK) {
            System.setProperty(PROPERTY, "VFORK");
        }
    }
}
