package dev.kernelgate.execd;

import dev.kernelgate.http.ConnectionLimits;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link ExecdConfig} like upstream execd: flags ({@code --port}, {@code --access-token}, ...; {@code -x} and
 * {@code --x}, {@code =value} or a separate value) over {@code EXECD_*} environment variables over defaults. It must
 * start with no arguments from a container's environment alone, since a bootstrap script launches it as
 * {@code $EXECD}. Upstream flags that configure an external Jupyter server are accepted and ignored: kernels run
 * in-process here.
 */
public final class ExecdSettings {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    private static final List<String> IGNORED = List.of("jupyter-host", "jupyter-token", "log-level",
            "jupyter-idle-poll-interval");

    private ExecdSettings() {
    }

    public static ExecdConfig parse(Map<String, String> env, List<String> args) {
        String host = "0.0.0.0";
        int port = ExecdConfig.DEFAULT_PORT;
        String token = env.getOrDefault("EXECD_ACCESS_TOKEN", "");
        Duration grace = duration("EXECD_API_GRACE_SHUTDOWN", env.getOrDefault("EXECD_API_GRACE_SHUTDOWN", "1s"));
        List<Path> roots = paths(env.get("EXECD_ALLOWED_ROOTS"));
        // Given at all (flag or variable), the drop-in directories replace the defaults, as KG_DROP_IN_DIRS does.
        List<Path> dropIns = env.containsKey("EXECD_DROP_IN_DIRS") ? paths(env.get("EXECD_DROP_IN_DIRS")) : null;
        boolean dropInFlag = false;
        long maxUpload = size("EXECD_MAX_UPLOAD_BYTES", env.getOrDefault("EXECD_MAX_UPLOAD_BYTES", "0"));
        Duration headerTimeout = env.containsKey("EXECD_REQUEST_HEADER_TIMEOUT")
                ? headerTimeout("EXECD_REQUEST_HEADER_TIMEOUT", env.get("EXECD_REQUEST_HEADER_TIMEOUT"))
                : ConnectionLimits.DEFAULT_HEADER_TIMEOUT;
        int perClient = env.containsKey("EXECD_MAX_CONNECTIONS_PER_CLIENT")
                ? count("EXECD_MAX_CONNECTIONS_PER_CLIENT", env.get("EXECD_MAX_CONNECTIONS_PER_CLIENT"))
                : ConnectionLimits.DEFAULT_MAX_PER_CLIENT;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.replaceFirst("^--?", "");
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            }
            if (value == null) {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            switch (name) {
                case "port" -> port = port(value);
                case "host" -> host = value;
                case "access-token" -> token = value;
                case "graceful-shutdown-timeout" -> grace = duration(name, value);
                case "allowed-root" -> roots = append(roots, Path.of(value));
                case "drop-in-dir" -> {
                    dropIns = dropInFlag ? append(dropIns, Path.of(value)) : List.of(Path.of(value));
                    dropInFlag = true;
                }
                case "max-upload-bytes" -> maxUpload = size(name, value);
                case "request-header-timeout" -> headerTimeout = headerTimeout(name, value);
                case "max-connections-per-client" -> perClient = count(name, value);
                default -> {
                    if (!IGNORED.contains(name)) {
                        throw new IllegalArgumentException("unknown flag --" + name);
                    }
                }
            }
        }
        String envs = env.get("EXECD_ENVS");
        String log = env.get("EXECD_LOG_FILE");
        Path workDir = Path.of("").toAbsolutePath();
        Path outputDir = Path.of(System.getProperty("java.io.tmpdir"));
        return new ExecdConfig(host, port, token, envs == null || envs.isBlank() ? null : Path.of(envs),
                log == null || log.isBlank() ? null : Path.of(log), grace, roots, maxUpload, workDir, outputDir,
                new ConnectionLimits(headerTimeout, perClient),
                dropIns == null ? KernelSpecSearchPath.DEFAULT_DROP_IN_DIRS : dropIns);
    }

    private static int port(String value) {
        try {
            int p = Integer.parseInt(value.trim());
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a port number, not '" + value + "'", e);
        }
    }

    /** Go-style durations as upstream takes them: {@code 500ms}, {@code 1s}, {@code 2m}; a bare number is seconds. */
    static Duration duration(String name, String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " must be a duration such as 500ms or 1s, not '" + value + "'");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 1000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    private static long size(String name, String value) {
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a byte count, not '" + value + "'", e);
        }
    }

    private static Duration headerTimeout(String name, String value) {
        Duration timeout = duration(name, value);
        if (timeout.compareTo(ConnectionLimits.MAX_HEADER_TIMEOUT) > 0) {
            throw new IllegalArgumentException(name + " must be at most 24h, not '" + value + "'");
        }
        return timeout;
    }

    /** A connection count; 0 or negative means unlimited. */
    private static int count(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number (0 = unlimited), not '" + value + "'",
                    e);
        }
    }

    private static List<Path> paths(String value) {
        List<Path> out = new ArrayList<>();
        if (value != null) {
            for (String p : value.split(":")) {
                if (!p.isBlank()) {
                    out.add(Path.of(p));
                }
            }
        }
        return out;
    }

    private static List<Path> append(List<Path> list, Path p) {
        List<Path> out = new ArrayList<>(list);
        out.add(p);
        return out;
    }
}
