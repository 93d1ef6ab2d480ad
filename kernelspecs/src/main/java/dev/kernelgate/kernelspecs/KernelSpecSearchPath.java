package dev.kernelgate.kernelspecs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where kernelspecs are looked for, in priority order (the first location that has a name wins).
 *
 * <p>A location is either a <em>kernels directory</em> (Jupyter's layout: one {@code <name>/kernel.json}
 * subdirectory per kernel, resources beside it) or a <em>drop-in directory</em> (flat {@code <name>.json} files).
 *
 * @param locations the directories, highest priority first; duplicates are dropped (first kept)
 */
public record KernelSpecSearchPath(List<Location> locations) {

    /** Kernelgate's drop-in directory: an admin drops {@code <name>.json} files here. */
    public static final Path DEFAULT_DROP_IN_DIR = Path.of("/etc/kernelgate/kernelspecs");

    /** The drop-in directory OpenSandbox's documentation writes custom kernels to (e.g. {@code rkernel.json}). */
    public static final Path OPENSANDBOX_DROP_IN_DIR = Path.of("/etc/opensandbox/kernelspecs");

    /**
     * The drop-in directories searched when none are configured, in priority order: Kernelgate's own first, so on a
     * name clash the spec in {@code /etc/kernelgate/kernelspecs} wins over the one in
     * {@code /etc/opensandbox/kernelspecs}.
     */
    public static final List<Path> DEFAULT_DROP_IN_DIRS = List.of(DEFAULT_DROP_IN_DIR, OPENSANDBOX_DROP_IN_DIR);

    /** Jupyter's system data directories on Unix (each gets {@code /kernels}). */
    public static final List<Path> SYSTEM_DATA_DIRS =
            List.of(Path.of("/usr/local/share/jupyter"), Path.of("/usr/share/jupyter"));

    /** The two directory layouts. */
    public enum Layout {
        /** {@code <dir>/<name>/kernel.json}, Jupyter's layout. */
        KERNEL_DIRS,
        /** {@code <dir>/<name>.json}, flat drop-in files. */
        DROP_IN
    }

    /** One directory of the search path. */
    public record Location(Path dir, Layout layout) {
        public Location {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(layout, "layout");
        }

        public static Location kernels(Path dir) {
            return new Location(dir, Layout.KERNEL_DIRS);
        }

        public static Location dropIn(Path dir) {
            return new Location(dir, Layout.DROP_IN);
        }
    }

    public KernelSpecSearchPath {
        Set<Location> unique = new LinkedHashSet<>();
        for (Location location : locations) {
            unique.add(new Location(location.dir().normalize(), location.layout()));
        }
        locations = List.copyOf(unique);
    }

    /** Kernels directories first (in order), then drop-in directories (in order). */
    public static KernelSpecSearchPath of(List<Path> kernelDirs, List<Path> dropInDirs) {
        List<Location> locations = new ArrayList<>();
        kernelDirs.forEach(dir -> locations.add(Location.kernels(dir)));
        dropInDirs.forEach(dir -> locations.add(Location.dropIn(dir)));
        return new KernelSpecSearchPath(locations);
    }

    /** {@link #fromEnvironment(Map, Path, List, List)} with no extra kernels dir and the default drop-in dirs. */
    public static KernelSpecSearchPath fromEnvironment(Map<String, String> env, Path home) {
        return fromEnvironment(env, home, List.of(), DEFAULT_DROP_IN_DIRS);
    }

    /**
     * Jupyter's search order ({@code jupyter_path("kernels")} on Linux), then Kernelgate's own directories:
     * <ol>
     *   <li>each {@code $JUPYTER_PATH} entry ({@code :}-separated, empty entries ignored) + {@code /kernels};</li>
     *   <li>the user data dir + {@code /kernels}: {@code $JUPYTER_DATA_DIR}, else {@code $XDG_DATA_HOME/jupyter},
     *       else {@code ~/.local/share/jupyter}; then {@code ~/.local/share/jupyter/kernels} if that differs
     *       (Python's user site, which Jupyter also searches);</li>
     *   <li>{@code /usr/local/share/jupyter/kernels}, {@code /usr/share/jupyter/kernels};</li>
     *   <li>{@code extraKernelDirs} (same {@code <name>/kernel.json} layout);</li>
     *   <li>{@code dropInDirs} (flat {@code <name>.json}; pass {@link #DEFAULT_DROP_IN_DIRS} for the defaults).</li>
     * </ol>
     * A pure function of its arguments: reads neither the process environment nor the file system.
     */
    public static KernelSpecSearchPath fromEnvironment(
            Map<String, String> env, Path home, List<Path> extraKernelDirs, List<Path> dropInDirs) {
        return fromEnvironment(env, home, SYSTEM_DATA_DIRS, extraKernelDirs, dropInDirs);
    }

    /** As {@link #fromEnvironment(Map, Path, List, List)} with other system data dirs (tests, unusual hosts). */
    public static KernelSpecSearchPath fromEnvironment(Map<String, String> env, Path home,
            List<Path> systemDataDirs, List<Path> extraKernelDirs, List<Path> dropInDirs) {
        List<Path> kernelDirs = new ArrayList<>();
        String jupyterPath = env.get("JUPYTER_PATH");
        if (jupyterPath != null) {
            for (String entry : jupyterPath.split(":")) {
                if (!entry.isEmpty()) {
                    kernelDirs.add(Path.of(entry).resolve("kernels"));
                }
            }
        }
        Path pythonUserSite = home.resolve(".local/share/jupyter");
        kernelDirs.add(userDataDir(env, home).resolve("kernels"));
        kernelDirs.add(pythonUserSite.resolve("kernels"));
        systemDataDirs.forEach(dir -> kernelDirs.add(dir.resolve("kernels")));
        kernelDirs.addAll(extraKernelDirs);
        return of(kernelDirs, dropInDirs);
    }

    /** Jupyter's user data dir on Linux ({@code jupyter --data-dir}). */
    public static Path userDataDir(Map<String, String> env, Path home) {
        String dataDir = env.get("JUPYTER_DATA_DIR");
        if (dataDir != null && !dataDir.isEmpty()) {
            return Path.of(dataDir);
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isEmpty()) {
            return Path.of(xdg, "jupyter");
        }
        return home.resolve(".local/share/jupyter");
    }

    /** The kernels directories, in order. */
    public List<Path> kernelDirs() {
        return locations.stream().filter(l -> l.layout() == Layout.KERNEL_DIRS).map(Location::dir).toList();
    }

    /** The drop-in directories, in order. */
    public List<Path> dropInDirs() {
        return locations.stream().filter(l -> l.layout() == Layout.DROP_IN).map(Location::dir).toList();
    }
}
