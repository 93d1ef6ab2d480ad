package dev.kernelgate.execd.command;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands a working directory as upstream execd does ({@code pathutil.ExpandPathWithEnv}): every
 * {@code $VAR} / {@code ${VAR}} must be defined (else {@link UndefinedVariableException}), variables are then
 * substituted with Go's {@code os.Expand} rules, and a leading {@code ~} or {@code ~/} becomes the home directory
 * of execd itself ({@code $HOME} of its own environment). Relative results resolve against {@code baseDir} when
 * one is set.
 */
public final class PathExpander {

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final String home;
    private final Path baseDir;

    /**
     * @param home    what {@code ~} means ({@code null}: {@code ~} is an error, as Go's {@code UserHomeDir})
     * @param baseDir relative paths resolve against it; {@code null} leaves them relative
     */
    public PathExpander(String home, Path baseDir) {
        this.home = home == null || home.isEmpty() ? null : home;
        this.baseDir = baseDir;
    }

    /** {@code $HOME} of this process (else {@code user.home}), no base directory. */
    public static PathExpander forCurrentProcess(Path baseDir) {
        String home = System.getenv("HOME");
        return new PathExpander(home != null && !home.isEmpty() ? home : System.getProperty("user.home"), baseDir);
    }

    /** The expanded path, or {@code ""} for an empty one. */
    public String expand(String path, Map<String, String> env) throws UndefinedVariableException {
        Objects.requireNonNull(env, "env");
        if (path == null || path.isEmpty()) {
            return "";
        }
        TreeSet<String> missing = new TreeSet<>();
        Matcher m = VARIABLE.matcher(path);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            if (!env.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new UndefinedVariableException(
                    "path references undefined environment variables: " + String.join(",", missing));
        }
        String expanded = ShellExpansion.expand(path, env::get);
        if (expanded.equals("~") || expanded.startsWith("~/")) {
            if (home == null) {
                throw new UndefinedVariableException("$HOME is not defined");
            }
            expanded = expanded.equals("~") ? home : Path.of(home, expanded.substring(2)).toString();
        }
        if (baseDir != null && !expanded.isEmpty() && !Path.of(expanded).isAbsolute()) {
            expanded = baseDir.resolve(expanded).toString();
        }
        return expanded;
    }

    /** A path names a variable that is not set. */
    public static final class UndefinedVariableException extends Exception {
        public UndefinedVariableException(String message) {
            super(message);
        }
    }
}
