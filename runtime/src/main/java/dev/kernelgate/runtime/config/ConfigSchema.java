package dev.kernelgate.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every table and key the server accepts, with its type: upstream's {@code ~/.sandbox.toml} keys, the keys
 * published OpenSandbox guides use, and ours ({@code [local]}, TLS). A key not listed here stops start-up: a typo
 * must not silently fall back to a default (think {@code api_kye}).
 */
final class ConfigSchema {

    enum Kind {
        STRING("a string"), INT("an integer"), BOOL("true or false"), NUMBER("a number"),
        STRING_LIST("an array of strings"), STRING_MAP("a table of strings"),
        STRING_MAP_MAP("a table of tables of strings"), TABLE_LIST("an array of tables");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    private static final Set<String> TABLES = Set.of("server", "log", "runtime", "local", "docker", "kubernetes",
            "agent_sandbox", "ingress", "ingress.gateway", "ingress.gateway.route", "ingress.secure_access", "egress",
            "storage", "store", "secure_runtime", "renew_intent", "renew_intent.redis");

    private static final Map<String, Kind> KEYS = new LinkedHashMap<>();

    static {
        keys("server", Kind.STRING, "host", "api_key", "eip", "loop", "http", "tls_cert_file", "tls_key_file");
        keys("server", Kind.INT, "port", "max_sandbox_timeout_seconds", "min_sandbox_timeout_seconds",
                "timeout_keep_alive", "limit_concurrency", "backlog", "thread_pool_size", "max_connections_per_client");
        keys("server", Kind.NUMBER, "request_header_timeout_seconds");
        keys("server", Kind.BOOL, "tls_self_signed");
        keys("log", Kind.STRING, "level", "file_path", "access_file_path");
        keys("log", Kind.BOOL, "file_enabled");
        keys("log", Kind.INT, "file_max_bytes", "file_backup_count");
        keys("runtime", Kind.STRING, "type", "execd_image", "namespace");
        keys("runtime", Kind.STRING_LIST, "sandbox_images");
        keys("local", Kind.STRING, "state_dir");
        keys("local", Kind.STRING_LIST, "java_options");
        keys("local", Kind.INT, "startup_timeout_seconds", "pids_limit", "open_files_limit", "warm_pool_size");
        keys("docker", Kind.STRING, "host", "network_mode", "host_ip", "apparmor_profile", "seccomp_profile",
                "execd_log_dir");
        keys("docker", Kind.INT, "api_timeout", "pids_limit");
        keys("docker", Kind.BOOL, "no_new_privileges");
        keys("docker", Kind.STRING_LIST, "drop_capabilities", "allowed_host_paths");
        keys("kubernetes", Kind.STRING, "kubeconfig_path", "namespace", "service_account", "workload_provider",
                "batchsandbox_template_file", "image_pull_policy", "pod_priority_class");
        keys("kubernetes", Kind.INT, "sandbox_create_timeout_seconds", "snapshot_create_timeout_seconds",
                "informer_resync_seconds", "informer_watch_timeout_seconds", "read_burst", "write_burst");
        keys("kubernetes", Kind.NUMBER, "sandbox_create_poll_interval_seconds", "read_qps", "write_qps");
        keys("kubernetes", Kind.BOOL, "informer_enabled");
        keys("kubernetes", Kind.STRING_MAP_MAP, "execd_init_resources");
        keys("kubernetes", Kind.STRING_MAP, "resource_quota", "node_selector");
        keys("agent_sandbox", Kind.STRING, "template_file", "shutdown_policy");
        keys("agent_sandbox", Kind.BOOL, "ingress_enabled");
        keys("ingress", Kind.STRING, "mode");
        keys("ingress.gateway", Kind.STRING, "address");
        keys("ingress.gateway.route", Kind.STRING, "mode");
        keys("ingress.secure_access", Kind.STRING, "active_key");
        keys("ingress.secure_access", Kind.TABLE_LIST, "keys");
        keys("egress", Kind.STRING, "image", "mode", "dns_upstream", "vault_trusted_ca");
        keys("egress", Kind.BOOL, "disable_ipv6");
        keys("storage", Kind.STRING_LIST, "allowed_host_paths");
        keys("storage", Kind.STRING, "ossfs_mount_root", "volume_default_size");
        keys("store", Kind.STRING, "type", "path");
        keys("secure_runtime", Kind.STRING, "type", "docker_runtime", "k8s_runtime_class");
        keys("renew_intent", Kind.BOOL, "enabled");
        keys("renew_intent", Kind.INT, "min_interval_seconds");
        keys("renew_intent.redis", Kind.BOOL, "enabled");
        keys("renew_intent.redis", Kind.STRING, "dsn", "queue_key");
        keys("renew_intent.redis", Kind.INT, "consumer_concurrency");
    }

    private ConfigSchema() {
    }

    private static void keys(String table, Kind kind, String... names) {
        for (String name : names) {
            KEYS.put(table + "." + name, kind);
        }
    }

    /** A problem found in the tree: the dotted key and what is wrong with it. */
    record Problem(String key, String message) {
    }

    /** The first unknown key or wrong type in {@code root}, or null when every key is known and well typed. */
    static Problem check(JsonNode root) {
        return checkTable("", root);
    }

    private static Problem checkTable(String prefix, JsonNode table) {
        for (Map.Entry<String, JsonNode> field : table.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            Kind kind = KEYS.get(key);
            if (kind != null) {
                if (!matches(kind, value)) {
                    return new Problem(key, "must be " + kind.description + ", not " + describe(value));
                }
            } else if (TABLES.contains(key)) {
                if (!value.isObject()) {
                    return new Problem(key, "must be a table, not " + describe(value));
                }
                Problem inner = checkTable(key, value);
                if (inner != null) {
                    return inner;
                }
            } else {
                return new Problem(key, "unknown " + (value.isObject() ? "table" : "key")
                        + (prefix.isEmpty() ? "" : " in [" + prefix + "]"));
            }
        }
        return null;
    }

    private static boolean matches(Kind kind, JsonNode v) {
        return switch (kind) {
            case STRING -> v.isTextual();
            case INT -> v.isIntegralNumber();
            case BOOL -> v.isBoolean();
            case NUMBER -> v.isNumber();
            case STRING_LIST -> v.isArray() && all(v, JsonNode::isTextual);
            case STRING_MAP -> v.isObject() && all(v, JsonNode::isTextual);
            case STRING_MAP_MAP -> v.isObject() && all(v, t -> t.isObject() && all(t, JsonNode::isTextual));
            case TABLE_LIST -> v.isArray() && all(v, JsonNode::isObject);
        };
    }

    private static boolean all(JsonNode container, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode element : container) {
            if (!test.test(element)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "the string \"" + v.asText() + "\"";
        }
        if (v.isObject()) {
            return "a table";
        }
        if (v.isArray()) {
            return "an array";
        }
        return v.toString();
    }
}
