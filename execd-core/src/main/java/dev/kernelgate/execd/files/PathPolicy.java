package dev.kernelgate.execd.files;

import dev.kernelgate.http.HttpError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Turns a path from a request into the absolute path to touch, as upstream's {@code pathutil.ExpandAbsPath}:
 * {@code $VAR} / {@code ${VAR}} (an undefined variable is an error), a leading {@code ~}, then relative paths
 * against the work directory, cleaned. With allowed roots configured (optional policy, off by default) every
 * resolved path must lie under one of them, symlinks included, or the request is refused with 403 and
 * {@value FsErrors#FS_002}.
 */
public final class PathPolicy {

    private final Path workDir;
    private final Map<String, String> env;
    private final List<Path> roots;
    private final List<Path> realRoots;
    private final PathWalker walker;

    /**
     * @param workDir      where relative paths resolve ({@code null}: the JVM's working directory)
     * @param env          variables for expansion (the process environment in production)
     * @param allowedRoots empty for no restriction
     */
    public PathPolicy(Path workDir, Map<String, String> env, List<Path> allowedRoots) {
        this.workDir = (workDir == null ? Path.of("") : workDir).toAbsolutePath().normalize();
        this.env = Map.copyOf(env);
        List<Path> lexical = new ArrayList<>();
        List<Path> real = new ArrayList<>();
        for (Path root : allowedRoots) {
            Path abs = this.workDir.resolve(root).normalize();
            lexical.add(abs);
            real.add(realOf(abs));
        }
        // A root of "/" allows everything: no policy.
        boolean everything = real.stream().anyMatch(r -> r.getParent() == null);
        this.roots = everything ? List.of() : List.copyOf(lexical);
        this.realRoots = everything ? List.of() : List.copyOf(real);
        this.walker = new PathWalker(roots, realRoots);
    }

    /** Opens paths under the roots without following links out of them (only meaningful when restricted). */
    PathWalker walker() {
        return walker;
    }

    public Path workDir() {
        return workDir;
    }

    public boolean restricted() {
        return !roots.isEmpty();
    }

    /**
     * Expands and absolutizes {@code raw} and applies the policy. The final component is checked as a link
     * itself (for operations that do not follow it: info, delete, move); see {@link #resolveFollowing}.
     *
     * @throws HttpError 500 RUNTIME_ERROR for an undefined variable, 403 for a path outside the allowed roots
     */
    public Path resolve(String raw) {
        Path path = absolute(raw);
        check(path, false);
        return path;
    }

    /** As {@link #resolve}, for operations that follow a symlink at the final component (read, write, chmod). */
    public Path resolveFollowing(String raw) {
        Path path = absolute(raw);
        check(path, true);
        return path;
    }

    /** Expansion and absolutization only, no policy. */
    public Path absolute(String raw) {
        String expanded;
        try {
            expanded = expand(raw == null ? "" : raw);
        } catch (IllegalArgumentException e) {
            throw FsErrors.runtime("invalid path " + raw + ": " + e.getMessage());
        }
        try {
            return workDir.resolve(expanded).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw FsErrors.runtime("invalid path " + raw + ": " + e.getMessage());
        }
    }

    /** Refuses {@code path} (absolute, normalized) when it is outside every allowed root. */
    public void check(Path path, boolean followFinal) {
        if (roots.isEmpty()) {
            return;
        }
        if (!under(path, roots)) {
            throw FsErrors.policy("path " + path + " is outside the allowed roots " + roots);
        }
        Path parent = path.getParent();
        Path real = parent == null ? realOf(path) : realOf(parent).resolve(path.getFileName());
        if (followFinal && Files.isSymbolicLink(path)) {
            real = realOf(path);
        }
        if (!under(real, realRoots)) {
            throw FsErrors.policy("path " + path + " leads to " + real + ", outside the allowed roots " + roots);
        }
    }

    private static boolean under(Path path, List<Path> roots) {
        for (Path root : roots) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    /** The real path of the deepest existing ancestor, with the rest appended (symlinks resolved). */
    static Path realOf(Path abs) {
        Path existing = abs;
        Path rest = null;
        while (existing != null) {
            if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Path real = existing.toRealPath();
                    return rest == null ? real : real.resolve(rest).normalize();
                } catch (IOException e) {
                    // A dangling link or no permission: keep climbing.
                }
            }
            Path name = existing.getFileName();
            if (name != null) {
                rest = rest == null ? name : name.resolve(rest);
            }
            existing = existing.getParent();
        }
        return abs;
    }

    /**
     * Go's {@code os.Expand} with the process environment, after checking that every {@code $NAME} /
     * {@code ${NAME}} is defined; then {@code ~} and {@code ~/...} become the home directory.
     *
     * @throws IllegalArgumentException naming the undefined variables
     */
    public String expand(String path) {
        if (path.isEmpty()) {
            return path;
        }
        TreeSet<String> missing = new TreeSet<>();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) != '$' || i + 1 >= path.length()) {
                continue;
            }
            String name = identifierAt(path, i + 1);
            if (name != null && !env.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("path references undefined environment variables: "
                    + String.join(",", missing));
        }
        String expanded = osExpand(path);
        if (expanded.equals("~") || expanded.startsWith("~/")) {
            String home = env.getOrDefault("HOME", "");
            if (home.isEmpty()) {
                home = Objects.requireNonNullElse(System.getProperty("user.home"), "");
            }
            if (home.isEmpty()) {
                throw new IllegalArgumentException("$HOME is not defined");
            }
            return expanded.equals("~") ? home : home + "/" + expanded.substring(2);
        }
        return expanded;
    }

    /** The name of {@code ${NAME}} or {@code $NAME} starting at {@code from} (after the '$'), as upstream's regex. */
    private static String identifierAt(String s, int from) {
        boolean braced = s.charAt(from) == '{';
        int start = braced ? from + 1 : from;
        int i = start;
        while (i < s.length() && isIdentifierChar(s.charAt(i), i == start)) {
            i++;
        }
        if (i == start) {
            return null;
        }
        if (braced && (i >= s.length() || s.charAt(i) != '}')) {
            return null;
        }
        return s.substring(start, i);
    }

    private static boolean isIdentifierChar(char c, boolean first) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }

    private String osExpand(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        int i = 0;
        for (int j = 0; j < s.length(); j++) {
            if (s.charAt(j) == '$' && j + 1 < s.length()) {
                out.append(s, i, j);
                String rest = s.substring(j + 1);
                String[] nameAndWidth = shellName(rest);
                String name = nameAndWidth[0];
                int w = Integer.parseInt(nameAndWidth[1]);
                if (name.isEmpty() && w > 0) {
                    // Invalid syntax: the characters are eaten.
                } else if (name.isEmpty()) {
                    out.append('$');
                } else {
                    out.append(env.getOrDefault(name, ""));
                }
                j += w;
                i = j + 1;
            }
        }
        if (i == 0) {
            return s;
        }
        return out.append(s, i, s.length()).toString();
    }

    private static boolean isShellSpecial(char c) {
        return "*#$@!?-0123456789".indexOf(c) >= 0;
    }

    private static boolean isAlphaNum(char c) {
        return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Go's {@code getShellName}: the variable name and how many characters it spans. */
    private static String[] shellName(String s) {
        if (s.charAt(0) == '{') {
            if (s.length() > 2 && isShellSpecial(s.charAt(1)) && s.charAt(2) == '}') {
                return new String[] {s.substring(1, 2), "3"};
            }
            for (int i = 1; i < s.length(); i++) {
                if (s.charAt(i) == '}') {
                    if (i == 1) {
                        return new String[] {"", "2"};
                    }
                    return new String[] {s.substring(1, i), Integer.toString(i + 1)};
                }
            }
            return new String[] {"", "1"};
        }
        if (isShellSpecial(s.charAt(0))) {
            return new String[] {s.substring(0, 1), "1"};
        }
        int i = 0;
        while (i < s.length() && isAlphaNum(s.charAt(i))) {
            i++;
        }
        return new String[] {s.substring(0, i), Integer.toString(i)};
    }
}
