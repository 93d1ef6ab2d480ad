package dev.kernelgate.cli;

import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the CLI reads from the host, in one place: the process environment, the home directory and Jupyter's system
 * data directories. Commands take it by constructor so tests can run them against temp directories.
 *
 * @param env            environment variables
 * @param home           the user's home directory
 * @param systemDataDirs Jupyter's system data dirs ({@code /usr/local/share/jupyter}, {@code /usr/share/jupyter})
 */
public record HostEnvironment(Map<String, String> env, Path home, List<Path> systemDataDirs) {

    public HostEnvironment {
        env = Map.copyOf(env);
        systemDataDirs = List.copyOf(systemDataDirs);
    }

    /** This process's environment. */
    public static HostEnvironment current() {
        return new HostEnvironment(System.getenv(), Path.of(System.getProperty("user.home")),
                KernelSpecSearchPath.SYSTEM_DATA_DIRS);
    }
}
