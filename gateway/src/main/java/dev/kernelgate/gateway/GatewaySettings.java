package dev.kernelgate.gateway;

import dev.kernelgate.http.ConnectionLimits;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@link GatewayConfig} the way jupyter kernelgateway does: {@code --KernelGatewayApp.<trait>=v},
 * {@code --JupyterWebsocketPersonality.<trait>=v}, {@code --NotebookHTTPPersonality.<trait>=v},
 * {@code --MappingKernelManager.<trait>=v} and the short
 * {@code --ip}/{@code --port} flags, over {@code KG_*} environment variables, over defaults. Unknown traits and
 * malformed values are errors that name the setting, so a launch script with a typo fails loudly.
 */
public final class GatewaySettings {
    /** trait → KG_* variable (null where upstream has none). */
    private static final Map<String, String> TRAITS = new LinkedHashMap<>();

    static {
        String[][] table = {
            {"ip", "KG_IP"}, {"port", "KG_PORT"}, {"port_retries", "KG_PORT_RETRIES"},
            {"base_url", "KG_BASE_URL"}, {"auth_token", "KG_AUTH_TOKEN"},
            {"allow_credentials", "KG_ALLOW_CREDENTIALS"}, {"allow_headers", "KG_ALLOW_HEADERS"},
            {"allow_methods", "KG_ALLOW_METHODS"}, {"allow_origin", "KG_ALLOW_ORIGIN"},
            {"expose_headers", "KG_EXPOSE_HEADERS"}, {"max_age", "KG_MAX_AGE"},
            {"max_kernels", "KG_MAX_KERNELS"}, {"list_kernels", "KG_LIST_KERNELS"},
            {"default_kernel_name", "KG_DEFAULT_KERNEL_NAME"}, {"force_kernel_name", "KG_FORCE_KERNEL_NAME"},
            {"prespawn_count", "KG_PRESPAWN_COUNT"}, {"env_process_whitelist", "KG_ENV_PROCESS_WHITELIST"},
            {"env_whitelist", "KG_ENV_WHITELIST"}, {"certfile", "KG_CERTFILE"}, {"keyfile", "KG_KEYFILE"},
            {"client_ca", "KG_CLIENT_CA"}, {"ws_ping_interval", "KG_WS_PING_INTERVAL_SECS"},
            {"cull_idle_timeout", "KG_CULL_IDLE_TIMEOUT"}, {"cull_interval", "KG_CULL_INTERVAL"},
            {"cull_connected", "KG_CULL_CONNECTED"}, {"cull_busy", "KG_CULL_BUSY"},
            {"iopub_msg_rate_limit", "KG_IOPUB_MSG_RATE_LIMIT"},
            {"kernel_dirs", "KG_KERNEL_DIRS"}, {"drop_in_dirs", "KG_DROP_IN_DIRS"},
            // Ours: connection guards (see ConnectionLimits).
            {"request_header_timeout", "KG_REQUEST_HEADER_TIMEOUT"},
            {"max_connections_per_client", "KG_MAX_CONNECTIONS_PER_CLIENT"},
            {"api", "KG_API"}, {"seed_uri", "KG_SEED_URI"},
            // NotebookHTTPPersonality
            {"allow_notebook_download", "KG_ALLOW_NOTEBOOK_DOWNLOAD"}, {"static_path", "KG_STATIC_PATH"},
            {"cell_parser", "KG_CELL_PARSER"},
            // Accepted for launch-script compatibility; only the defaults are supported.
            {"trust_xheaders", "KG_TRUST_XHEADERS"}, {"ssl_version", "KG_SSL_VERSION"},
        };
        for (String[] row : table) {
            TRAITS.put(row[0], row[1]);
        }
    }

    private static final List<String> CLASSES =
            List.of("KernelGatewayApp", "JupyterWebsocketPersonality", "NotebookHTTPPersonality",
                    "NotebookHttpPersonality", "MappingKernelManager", "ServerApp");
    /** Upstream's only cell parser we implement; the swagger one is refused by name. */
    private static final String DEFAULT_CELL_PARSER = "kernel_gateway.notebook_http.cell.parser";

    private final Map<String, String> values = new LinkedHashMap<>();
    /** Traits set by a flag (as opposed to a KG_* variable): their values follow traitlets' parsing. */
    private final java.util.Set<String> fromFlags = new java.util.HashSet<>();

    private GatewaySettings() {
    }

    /** The configuration with no flags and no {@code KG_*} variables. */
    public static GatewayConfig defaults() {
        return parse(Map.of(), List.of());
    }

    /** Settings from the environment and the command line; throws {@link IllegalArgumentException} on bad input. */
    public static GatewayConfig parse(Map<String, String> env, List<String> args) {
        GatewaySettings s = new GatewaySettings();
        TRAITS.forEach((trait, variable) -> {
            String value = env.get(variable);
            if (value != null) {
                s.values.put(trait, value);
            }
        });
        s.readArgs(args);
        return s.build();
    }

    private void readArgs(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String trait = traitOf(name);
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = args.get(++i);
            }
            values.put(trait, value);
            fromFlags.add(trait);
        }
    }

    private static String traitOf(String flag) {
        int dot = flag.indexOf('.');
        String trait = flag;
        if (dot >= 0) {
            String owner = flag.substring(0, dot);
            if (!CLASSES.contains(owner)) {
                throw new IllegalArgumentException("unknown setting --" + flag + " (expected one of "
                        + String.join(", ", CLASSES) + ")");
            }
            trait = flag.substring(dot + 1);
        }
        trait = trait.replace('-', '_');
        if (!TRAITS.containsKey(trait)) {
            throw new IllegalArgumentException("unknown setting --" + flag);
        }
        return trait;
    }

    private GatewayConfig build() {
        GatewayConfig.Personality api = personality();
        String seedUri = string("seed_uri", "");
        if (api == GatewayConfig.Personality.NOTEBOOK_HTTP && (seedUri.isBlank() || seedUri.equals("None"))) {
            throw new IllegalArgumentException("the notebook-http personality needs seed_uri (KG_SEED_URI)");
        }
        if (api == GatewayConfig.Personality.JUPYTER_WEBSOCKET && !seedUri.isBlank() && !seedUri.equals("None")) {
            throw new IllegalArgumentException("seed_uri is supported with the notebook-http personality only "
                    + "(api=kernel_gateway.notebook_http)");
        }
        String cellParser = string("cell_parser", DEFAULT_CELL_PARSER);
        if (!cellParser.equals(DEFAULT_CELL_PARSER)) {
            throw new IllegalArgumentException("cell_parser '" + cellParser + "' is not supported: Kernelgate reads "
                    + "cell annotations (" + DEFAULT_CELL_PARSER + ")");
        }
        int maxKernels = integer("max_kernels", 0, 0, Integer.MAX_VALUE);
        int prespawnCount = integer("prespawn_count", 0, 0, 1000);
        if (maxKernels > 0 && prespawnCount > maxKernels) {
            // Upstream refuses to start (RuntimeError in init_configurables).
            throw new IllegalArgumentException("prespawn_count (" + prespawnCount + ") may not exceed max_kernels ("
                    + maxKernels + ")");
        }
        Duration cullInterval = seconds("cull_interval", 300);
        if (cullInterval.isZero()) {
            cullInterval = Duration.ofSeconds(300); // jupyter_server: a cull_interval <= 0 means the default
        }
        return new GatewayConfig(
                string("ip", "127.0.0.1"),
                integer("port", 8888, 0, 65535),
                integer("port_retries", 50, 0, 10_000),
                string("base_url", "/"),
                string("auth_token", ""),
                string("allow_credentials", ""), string("allow_headers", ""), string("allow_methods", ""),
                string("allow_origin", ""), string("expose_headers", ""), string("max_age", ""),
                maxKernels,
                exactlyTrue("list_kernels"),
                string("default_kernel_name", ""),
                string("force_kernel_name", ""),
                prespawnCount,
                list("env_process_whitelist"),
                list("env_whitelist"),
                path("certfile"), path("keyfile"), path("client_ca"),
                seconds("ws_ping_interval", 30),
                seconds("cull_idle_timeout", 0),
                cullInterval,
                bool("cull_connected", false),
                bool("cull_busy", false),
                number("iopub_msg_rate_limit", 0),
                list("kernel_dirs").stream().map(Path::of).toList(),
                values.containsKey("drop_in_dirs")
                        ? list("drop_in_dirs").stream().map(Path::of).toList()
                        : KernelSpecSearchPath.DEFAULT_DROP_IN_DIRS,
                new ConnectionLimits(headerTimeout(),
                        integer("max_connections_per_client", ConnectionLimits.DEFAULT_MAX_PER_CLIENT,
                                Integer.MIN_VALUE, Integer.MAX_VALUE)),
                api,
                api == GatewayConfig.Personality.NOTEBOOK_HTTP ? seedUri : null,
                new NotebookHttpConfig(exactlyTrue("allow_notebook_download"), path("static_path")));
    }

    /** upstream's {@code api}: a module name, or the two short names its loader translates. */
    private GatewayConfig.Personality personality() {
        String api = string("api", "kernel_gateway.jupyter_websocket");
        return switch (api) {
            case "", "kernel_gateway.jupyter_websocket", "jupyter-websocket" ->
                    GatewayConfig.Personality.JUPYTER_WEBSOCKET;
            case "kernel_gateway.notebook_http", "notebook-http" -> GatewayConfig.Personality.NOTEBOOK_HTTP;
            default -> throw new IllegalArgumentException("api '" + api + "' is not supported: use "
                    + "kernel_gateway.jupyter_websocket or kernel_gateway.notebook_http");
        };
    }

    private Duration headerTimeout() {
        Duration timeout = seconds("request_header_timeout", ConnectionLimits.DEFAULT_HEADER_TIMEOUT.toSeconds());
        if (timeout.compareTo(ConnectionLimits.MAX_HEADER_TIMEOUT) > 0) {
            throw new IllegalArgumentException("request_header_timeout must be at most "
                    + ConnectionLimits.MAX_HEADER_TIMEOUT.toSeconds() + " seconds");
        }
        return timeout;
    }

    /**
     * Upstream enables listing (and the notebook download) only when the variable is exactly "True"; a flag takes
     * any boolean spelling.
     */
    private boolean exactlyTrue(String trait) {
        String value = values.get(trait);
        if (value == null) {
            return false;
        }
        if (!fromFlags.contains(trait)) {
            return value.equals("True");
        }
        return bool(trait, false);
    }

    private String string(String trait, String fallback) {
        String v = values.get(trait);
        return v == null ? fallback : unquote(v);
    }

    private int integer(String trait, int fallback, int min, int max) {
        String v = values.get(trait);
        if (v == null || unquote(v).isBlank() || unquote(v).equals("None")) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(unquote(v).trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(trait + " must be between " + min + " and " + max + ", not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(trait + " must be an integer, not '" + v + "'", e);
        }
    }

    private double number(String trait, double fallback) {
        String v = values.get(trait);
        if (v == null || unquote(v).isBlank()) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(unquote(v).trim());
            if (d < 0 || Double.isNaN(d)) {
                throw new IllegalArgumentException(trait + " must not be negative");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(trait + " must be a number, not '" + v + "'", e);
        }
    }

    private Duration seconds(String trait, long fallback) {
        return Duration.ofMillis(Math.round(number(trait, fallback) * 1000));
    }

    private boolean bool(String trait, boolean fallback) {
        String v = values.get(trait);
        if (v == null) {
            return fallback;
        }
        return switch (unquote(v).trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no", "" -> false;
            default -> throw new IllegalArgumentException(trait + " must be True or False, not '" + v + "'");
        };
    }

    private Path path(String trait) {
        String v = string(trait, "");
        return v.isBlank() || v.equals("None") ? null : Path.of(v);
    }

    /** Comma-separated ({@code A,B}) or traitlets list syntax ({@code ['A','B']}). */
    private List<String> list(String trait) {
        String v = values.get(trait);
        if (v == null) {
            return List.of();
        }
        String s = v.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String item : s.split(",")) {
            String t = unquote(item.trim());
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static String unquote(String v) {
        String t = v.trim();
        if (t.length() >= 2 && (t.startsWith("'") && t.endsWith("'") || t.startsWith("\"") && t.endsWith("\""))) {
            return t.substring(1, t.length() - 1);
        }
        return v;
    }

    /** The trait names this parser accepts, for help output. */
    public static List<String> traits() {
        return List.copyOf(TRAITS.keySet());
    }

}
