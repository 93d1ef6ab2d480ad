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
        return of(System.getenv());
    }

    /**
     * A host with environment {@code env}: home is {@code $HOME} when set, as Jupyter and the XDG dirs take it
     * (the JVM's {@code user.home} comes from the password database and ignores {@code $HOME}), else
     * {@code user.home}; Jupyter's usual system data dirs.
     */
    public static HostEnvironment of(Map<String, String> env) {
        String home = env.get("HOME");
        Path homeDir = Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home"));
        return new HostEnvironment(env, homeDir, KernelSpecSearchPath.SYSTEM_DATA_DIRS);
    }
}
