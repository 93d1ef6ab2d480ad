package dev.kernelgate.runtime.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.kernelgate.http.ConnectionLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the server's TOML file once into a {@link ServerConfig}: syntax, then every key against
 * {@link ConfigSchema}, then values that are well typed but impossible (a port of 70000, an unknown runtime type).
 * Every failure is a {@link ConfigException} naming the file, the line and the key.
 */
public final class ServerConfigLoader {
    /** Where upstream looks when neither {@code --config} nor {@code SANDBOX_CONFIG_PATH} says otherwise. */
    public static final String DEFAULT_FILE = ".sandbox.toml";
    public static final String CONFIG_PATH_ENV = "SANDBOX_CONFIG_PATH";
    public static final String API_KEY_ENV = "OPENSANDBOX_SERVER_API_KEY";
    private static final Set<String> RUNTIME_TYPES = Set.of("local", "docker", "kubernetes");
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR",
            "CRITICAL", "OFF");

    private final Path file;
    private final TomlKeyLines lines;

    private ServerConfigLoader(Path file, TomlKeyLines lines) {
        this.file = file;
        this.lines = lines;
    }

    /**
     * The file to read: {@code --config}, else {@code $SANDBOX_CONFIG_PATH}, else {@code ~/.sandbox.toml} when it
     * exists; null means built-in defaults. A file named explicitly must exist.
     */
    public static Path locate(Path flag, Map<String, String> env, Path home) {
        if (flag != null) {
            return requireFile(flag, "--config");
        }
        String fromEnv = env.get(CONFIG_PATH_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return requireFile(Path.of(fromEnv), CONFIG_PATH_ENV);
        }
        Path fallback = home.resolve(DEFAULT_FILE);
        return Files.isRegularFile(fallback) ? fallback : null;
    }

    private static Path requireFile(Path path, String source) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(path, 0, null, "no such file (named by " + source + ")");
        }
        return path;
    }

    /** Reads {@code file}, or returns the defaults for null; then applies {@code OPENSANDBOX_SERVER_API_KEY}. */
    public static ServerConfig load(Path file, Map<String, String> env) {
        ServerConfig config = file == null ? ServerConfig.defaults() : read(file);
        String key = env.get(API_KEY_ENV);
        if (key != null && !key.isEmpty()) {
            config = config.withServer(config.server().withApiKey(key));
        }
        return config;
    }

    public static ServerConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file, 0, null, "cannot read: " + e.getMessage());
        }
        return parse(file, text);
    }

    /** Parses {@code text} as if read from {@code file} (which is only used in messages). */
    public static ServerConfig parse(Path file, String text) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new ConfigException(file, at == null ? 0 : Math.max(at.getLineNr(), 0), null,
                    "invalid TOML: " + e.getOriginalMessage());
        }
        if (root == null) {
            root = MissingNode.getInstance();
        }
        ServerConfigLoader loader = new ServerConfigLoader(file, TomlKeyLines.index(text));
        ConfigSchema.Problem problem = ConfigSchema.check(root);
        if (problem != null) {
            throw loader.error(problem.key(), problem.message());
        }
        return loader.build(root);
    }

    private ConfigException error(String key, String message) {
        return new ConfigException(file, lines.lineOf(key), key, message);
    }

    private ServerConfig build(JsonNode root) {
        ServerSettings sd = ServerSettings.defaults();
        JsonNode s = root.path("server");
        long min = integer(s, "server", "min_sandbox_timeout_seconds", sd.minSandboxTimeoutSeconds(), 1);
        Long max = s.has("max_sandbox_timeout_seconds")
                ? integer(s, "server", "max_sandbox_timeout_seconds", 0, min) : null;
        Path cert = path(s, "tls_cert_file");
        Path key = path(s, "tls_key_file");
        if ((cert == null) != (key == null)) {
            throw error(cert == null ? "server.tls_key_file" : "server.tls_cert_file",
                    "tls_cert_file and tls_key_file go together");
        }
        ServerSettings server = new ServerSettings(text(s, "host", sd.host()),
                (int) integer(s, "server", "port", sd.port(), 0, 65535), nonEmpty(text(s, "api_key", null)),
                nonEmpty(text(s, "eip", null)), max, min,
                (int) integer(s, "server", "timeout_keep_alive", sd.timeoutKeepAlive(), 0),
                (int) integer(s, "server", "limit_concurrency", sd.limitConcurrency(), 1),
                (int) integer(s, "server", "backlog", sd.backlog(), 1),
                (int) integer(s, "server", "thread_pool_size", sd.threadPoolSize(), 1),
                text(s, "loop", sd.loop()), text(s, "http", sd.http()), cert, key,
                s.path("tls_self_signed").asBoolean(false), connectionLimits(s, sd.connectionLimits()));

        LogSettings ld = LogSettings.defaults();
        JsonNode l = root.path("log");
        String level = text(l, "level", ld.level()).toUpperCase(java.util.Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw error("log.level", "must be one of DEBUG, INFO, WARNING, ERROR, not \"" + level + "\"");
        }
        LogSettings log = new LogSettings(level, l.path("file_enabled").asBoolean(ld.fileEnabled()),
                path(l, "file_path"), path(l, "access_file_path"),
                integer(l, "log", "file_max_bytes", ld.fileMaxBytes(), 0),
                (int) integer(l, "log", "file_backup_count", ld.fileBackupCount(), 0));

        JsonNode r = root.path("runtime");
        String type = text(r, "type", RuntimeSettings.defaults().type());
        if (!RUNTIME_TYPES.contains(type)) {
            throw error("runtime.type", "must be local, docker or kubernetes, not \"" + type + "\"");
        }
        List<String> sandboxImages = new ArrayList<>();
        for (String image : strings(r.path("sandbox_images"))) {
            if (image.isBlank()) {
                throw error("runtime.sandbox_images", "must list image references, not an empty string");
            }
            sandboxImages.add(image.strip());
        }
        RuntimeSettings runtime = new RuntimeSettings(type, nonEmpty(text(r, "execd_image", null)),
                nonEmpty(text(r, "namespace", null)), sandboxImages);

        LocalSettings lo = LocalSettings.defaults();
        JsonNode lc = root.path("local");
        LocalSettings local = new LocalSettings(path(lc, "state_dir"),
                lc.has("java_options") ? strings(lc.path("java_options")) : lo.javaOptions(),
                (int) integer(lc, "local", "startup_timeout_seconds", lo.startupTimeoutSeconds(), 1),
                integer(lc, "local", "pids_limit", lo.pidsLimit(), 0),
                integer(lc, "local", "open_files_limit", lo.openFilesLimit(), 0),
                (int) integer(lc, "local", "warm_pool_size", lo.warmPoolSize(), 0, 64));

        DockerSettings dd = DockerSettings.defaults();
        JsonNode d = root.path("docker");
        String networkMode = text(d, "network_mode", dd.networkMode());
        DockerSettings docker = new DockerSettings(networkMode,
                (int) integer(d, "docker", "api_timeout", dd.apiTimeout(), 1), nonEmpty(text(d, "host_ip", null)),
                d.has("drop_capabilities") ? strings(d.path("drop_capabilities")) : dd.dropCapabilities(),
                d.path("no_new_privileges").asBoolean(dd.noNewPrivileges()),
                text(d, "apparmor_profile", dd.apparmorProfile()), text(d, "seccomp_profile", dd.seccompProfile()),
                integer(d, "docker", "pids_limit", dd.pidsLimit(), 0),
                absolutePaths(d, "docker", "allowed_host_paths"), nonEmpty(text(d, "host", null)),
                path(d, "execd_log_dir"));
        if (docker.execdLogDir() != null && !docker.execdLogDir().isAbsolute()) {
            throw error("docker.execd_log_dir", "must be an absolute host path, not \"" + docker.execdLogDir() + "\"");
        }

        KubernetesSettings kd = KubernetesSettings.defaults();
        JsonNode k = root.path("kubernetes");
        String namespace = text(k, "namespace", runtime.namespace() != null ? runtime.namespace() : kd.namespace());
        KubernetesSettings kubernetes = new KubernetesSettings(path(k, "kubeconfig_path"), namespace,
                nonEmpty(text(k, "service_account", null)), text(k, "workload_provider", kd.workloadProvider()),
                path(k, "batchsandbox_template_file"), text(k, "image_pull_policy", kd.imagePullPolicy()),
                (int) integer(k, "kubernetes", "sandbox_create_timeout_seconds", kd.sandboxCreateTimeoutSeconds(), 1),
                k.path("sandbox_create_poll_interval_seconds").asDouble(kd.sandboxCreatePollIntervalSeconds()),
                (int) integer(k, "kubernetes", "snapshot_create_timeout_seconds", kd.snapshotCreateTimeoutSeconds(), 1),
                k.path("informer_enabled").asBoolean(kd.informerEnabled()),
                (int) integer(k, "kubernetes", "informer_resync_seconds", kd.informerResyncSeconds(), 0),
                (int) integer(k, "kubernetes", "informer_watch_timeout_seconds", kd.informerWatchTimeoutSeconds(), 0),
                k.path("read_qps").asDouble(kd.readQps()),
                (int) integer(k, "kubernetes", "read_burst", kd.readBurst(), 0),
                k.path("write_qps").asDouble(kd.writeQps()),
                (int) integer(k, "kubernetes", "write_burst", kd.writeBurst(), 0),
                tables(k.path("execd_init_resources")), stringMap(k.path("resource_quota")),
                stringMap(k.path("node_selector")), nonEmpty(text(k, "pod_priority_class", null)));

        JsonNode st = root.path("storage");
        List<Path> allowed = new ArrayList<>(absolutePaths(st, "storage", "allowed_host_paths"));
        // Guides put allowed_host_paths under [docker]; both lists are honoured, for every runtime.
        allowed.addAll(docker.allowedHostPaths());
        StorageSettings storage = new StorageSettings(allowed, path(st, "ossfs_mount_root"),
                nonEmpty(text(st, "volume_default_size", null)));

        JsonNode sr = root.path("secure_runtime");
        String secureType = text(sr, "type", "");
        if (!Set.of("", "gvisor", "kata", "firecracker").contains(secureType)) {
            throw error("secure_runtime.type", "must be \"\", gvisor, kata or firecracker, not \"" + secureType
                    + "\"");
        }
        SecureRuntimeSettings secure = new SecureRuntimeSettings(secureType,
                nonEmpty(text(sr, "docker_runtime", null)), nonEmpty(text(sr, "k8s_runtime_class", null)));

        JsonNode e = root.path("egress");
        String egressMode = text(e, "mode", "dns");
        if (!Set.of("dns", "dns+nft").contains(egressMode)) {
            throw error("egress.mode", "must be dns or dns+nft, not \"" + egressMode + "\"");
        }
        EgressSettings egress = new EgressSettings(nonEmpty(text(e, "image", null)), egressMode,
                e.path("disable_ipv6").asBoolean(true), nonEmpty(text(e, "dns_upstream", null)),
                nonEmpty(text(e, "vault_trusted_ca", null)) == null ? null
                        : java.nio.file.Path.of(text(e, "vault_trusted_ca", null)));
        JsonNode in = root.path("ingress");
        String ingressMode = text(in, "mode", "direct");
        if (!Set.of("direct", "gateway").contains(ingressMode)) {
            throw error("ingress.mode", "must be direct or gateway, not \"" + ingressMode + "\"");
        }
        IngressSettings ingress = new IngressSettings(ingressMode,
                nonEmpty(text(in.path("gateway"), "address", null)),
                nonEmpty(text(in.path("gateway").path("route"), "mode", null)));
        return new ServerConfig(server, log, runtime, local, docker, kubernetes, storage, secure, egress, ingress,
                file);
    }

    private static String text(JsonNode table, String key, String fallback) {
        JsonNode v = table.path(key);
        return v.isTextual() ? v.asText() : fallback;
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Path path(JsonNode table, String key) {
        String s = nonEmpty(text(table, key, null));
        return s == null ? null : Path.of(s);
    }

    private long integer(JsonNode table, String tableName, String key, long fallback, long min) {
        return integer(table, tableName, key, fallback, min, Long.MAX_VALUE);
    }

    private long integer(JsonNode table, String tableName, String key, long fallback, long min, long max) {
        JsonNode v = table.path(key);
        if (!v.isIntegralNumber()) {
            return fallback;
        }
        // beyond 64 bits asLong() would wrap the number into an arbitrary value
        if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw error(tableName + "." + key, max == Long.MAX_VALUE
                    ? "must be at least " + min + ", not " + v.asText()
                    : "must be between " + min + " and " + max + ", not " + v.asText());
        }
        return v.asLong();
    }

    private ConnectionLimits connectionLimits(JsonNode server, ConnectionLimits defaults) {
        double seconds = server.path("request_header_timeout_seconds")
                .asDouble(defaults.headerTimeout().toMillis() / 1000.0);
        if (seconds < 0 || seconds > ConnectionLimits.MAX_HEADER_TIMEOUT.toSeconds()) {
            throw error("server.request_header_timeout_seconds", "must be between 0 (off) and "
                    + ConnectionLimits.MAX_HEADER_TIMEOUT.toSeconds() + ", not " + seconds);
        }
        long perClient = integer(server, "server", "max_connections_per_client", defaults.maxPerClient(),
                Integer.MIN_VALUE, Integer.MAX_VALUE);
        return new ConnectionLimits(Duration.ofMillis(Math.round(seconds * 1000)), (int) perClient);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private List<Path> absolutePaths(JsonNode table, String tableName, String key) {
        List<Path> out = new ArrayList<>();
        for (String s : strings(table.path(key))) {
            Path p = Path.of(s);
            if (!p.isAbsolute()) {
                throw error(tableName + "." + key, "must list absolute paths, not \"" + s + "\"");
            }
            out.add(p.normalize());
        }
        return out;
    }

    private static Map<String, String> stringMap(JsonNode table) {
        Map<String, String> out = new LinkedHashMap<>();
        table.properties().forEach(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }

    private static Map<String, Map<String, String>> tables(JsonNode table) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        table.properties().forEach(f -> out.put(f.getKey(), stringMap(f.getValue())));
        return out;
    }
}
