package dev.kernelgate.execd.egress.vault;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The vault's request bodies, read strictly as upstream does (unknown fields refused) and normalised (trimmed names,
 * upstream's defaults, lower-case schemes and hosts, upper-case methods, canonical header names). Every message is
 * written here and names fields, never values: a malformed body may hold a secret.
 */
final class VaultRequests {
    private static final ObjectReader READER = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");
    private static final Pattern LABEL = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$");
    private static final Pattern IP_LIKE = Pattern.compile("^[0-9.]+$|:");
    /** Headers a credential may not set (upstream's list). */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "transfer-encoding",
            "connection", "upgrade", "te", "trailer", "proxy-authorization", "proxy-authenticate", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto");

    /** A create request. */
    record Create(List<Credential> credentials, List<Binding> bindings) {
    }

    /** One side of a patch. */
    record Mutations<T>(List<T> add, List<T> replace, List<String> delete) {
        static <T> Mutations<T> none() {
            return new Mutations<>(List.of(), List.of(), List.of());
        }
    }

    /** A patch request; {@code expectedRevision} null when absent. */
    record Patch(Long expectedRevision, Mutations<Credential> credentials, Mutations<Binding> bindings) {
    }

    private VaultRequests() {
    }

    static Create create(String body) {
        JsonNode root = object(read(body, "invalid credential vault request"), "request",
                Set.of("credentials", "bindings"), "invalid credential vault request");
        return new Create(list(root.get("credentials"), "credentials", node -> credential(node, 1)),
                list(root.get("bindings"), "bindings", VaultRequests::binding));
    }

    /** @param revision the revision the patch will make, stamped on the credentials it writes */
    static Patch patch(String body, long revision) {
        String prefix = "invalid credential vault mutation request";
        JsonNode root = object(read(body, prefix), "request", Set.of("expectedRevision", "credentials", "bindings"),
                prefix);
        JsonNode expected = root.get("expectedRevision");
        Long expectedRevision = null;
        if (expected != null && !expected.isNull()) {
            if (!expected.canConvertToLong() || !expected.isIntegralNumber()) {
                throw VaultException.invalid(prefix + ": expectedRevision must be an integer");
            }
            expectedRevision = expected.asLong();
        }
        return new Patch(expectedRevision, mutations(root.get("credentials"), "credentials",
                node -> credential(node, revision), prefix), mutations(root.get("bindings"), "bindings",
                VaultRequests::binding, prefix));
    }

    private interface Reader<T> {
        T read(JsonNode node);
    }

    private static JsonNode read(String body, String prefix) {
        if (body == null || body.isBlank()) {
            throw VaultException.invalid(prefix + ": empty body");
        }
        try {
            return READER.readTree(body);
        } catch (JsonParseException e) {
            // no excerpt of the body: it may hold a secret
            throw VaultException.invalid(prefix + ": malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (JsonProcessingException e) {
            throw VaultException.invalid(prefix + ": malformed JSON");
        }
    }

    private static JsonNode object(JsonNode node, String where, Set<String> known, String prefix) {
        if (node == null || !node.isObject()) {
            throw VaultException.invalid(prefix + ": " + where + " must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw VaultException.invalid(prefix + ": unknown field \"" + field + "\" in " + where);
            }
        }
        return node;
    }

    private static <T> Mutations<T> mutations(JsonNode node, String where, Reader<T> reader, String prefix) {
        if (node == null || node.isNull()) {
            return Mutations.none();
        }
        object(node, where, Set.of("add", "replace", "delete"), prefix);
        return new Mutations<>(list(node.get("add"), where + ".add", reader),
                list(node.get("replace"), where + ".replace", reader),
                list(node.get("delete"), where + ".delete", n -> text(n, where + ".delete[]").strip()));
    }

    private static <T> List<T> list(JsonNode node, String where, Reader<T> reader) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw VaultException.invalid(where + " must be an array");
        }
        List<T> out = new ArrayList<>();
        node.forEach(item -> out.add(reader.read(item)));
        return out;
    }

    private static Credential credential(JsonNode node, long revision) {
        object(node, "a credential", Set.of("name", "source"), "invalid credential");
        String name = optionalText(node.get("name"), "credential name").strip();
        if (name.isEmpty()) {
            throw VaultException.invalid("credential name cannot be blank");
        }
        JsonNode source = node.get("source");
        if (source == null || source.isNull()) {
            throw VaultException.invalid("credential \"" + name + "\" inline value cannot be empty");
        }
        object(source, "the source of credential \"" + name + "\"", Set.of("type", "value"), "invalid credential");
        String type = optionalText(source.get("type"), "credential source type").strip();
        type = type.isEmpty() ? "inline" : type;
        if (!type.equals("inline")) {
            throw VaultException.invalid("unsupported credential source type \"" + type + "\"");
        }
        JsonNode value = source.get("value");
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw VaultException.invalid("credential \"" + name + "\" inline value must be a string");
        }
        if (value == null || value.isNull() || value.asText().isEmpty()) {
            throw VaultException.invalid("credential \"" + name + "\" inline value cannot be empty");
        }
        return new Credential(name, type, value.asText(), revision);
    }

    private static Binding binding(JsonNode node) {
        object(node, "a binding", Set.of("name", "match", "auth"), "invalid binding");
        String name = optionalText(node.get("name"), "binding name").strip();
        if (name.isEmpty()) {
            throw VaultException.invalid("binding name cannot be blank");
        }
        String where = "binding \"" + name + "\"";
        return new Binding(name, match(node.get("match"), where), auth(node.get("auth"), where));
    }

    private static Match match(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            throw VaultException.invalid(where + ": match.hosts cannot be empty");
        }
        object(node, where + " match", Set.of("schemes", "ports", "hosts", "methods", "paths"), "invalid binding");
        List<String> schemes = distinct(strings(node.get("schemes"), where + " match.schemes"), Match.DEFAULT_SCHEMES,
                s -> {
                    String scheme = s.strip().toLowerCase(Locale.ROOT);
                    if (!scheme.equals("http") && !scheme.equals("https")) {
                        throw VaultException.invalid(where + ": unsupported scheme \"" + scheme + "\"");
                    }
                    return scheme;
                });
        List<Integer> ports = distinct(list(node.get("ports"), where + " match.ports", n -> {
            if (!n.isIntegralNumber() || n.asLong() <= 0 || n.asLong() > 65535) {
                throw VaultException.invalid(where + ": invalid port " + n);
            }
            return n.asInt();
        }), Match.DEFAULT_PORTS, p -> p);
        List<String> hosts = strings(node.get("hosts"), where + " match.hosts");
        if (hosts.isEmpty()) {
            throw VaultException.invalid(where + ": match.hosts cannot be empty");
        }
        hosts = distinct(hosts, List.of(), h -> host(h, where));
        List<String> methods = distinct(strings(node.get("methods"), where + " match.methods"), Match.DEFAULT_METHODS,
                m -> {
                    String method = m.strip().toUpperCase(Locale.ROOT);
                    if (method.isEmpty()) {
                        throw VaultException.invalid(where + ": method cannot be blank");
                    }
                    return method;
                });
        List<String> paths = distinct(strings(node.get("paths"), where + " match.paths"), Match.DEFAULT_PATHS, p -> {
            String path = p.strip();
            if (!path.startsWith("/")) {
                throw VaultException.invalid(where + ": path pattern must start with /");
            }
            return path;
        });
        return new Match(schemes, ports, hosts, methods, paths);
    }

    private static String host(String raw, String where) {
        String host = raw.strip().toLowerCase(Locale.ROOT);
        host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (host.isEmpty()) {
            throw VaultException.invalid(where + ": host cannot be blank");
        }
        if (host.contains("/")) {
            throw VaultException.invalid(where + ": host \"" + host + "\" must not include scheme or path");
        }
        String name = host.startsWith("*.") ? host.substring(2) : host;
        if (name.contains("*")) {
            throw VaultException.invalid(where + ": invalid wildcard host \"" + host + "\"");
        }
        if (IP_LIKE.matcher(name).find()) {
            throw VaultException.invalid(where + ": credential binding host \"" + host + "\" must be an FQDN, not an "
                    + "IP address");
        }
        boolean fqdn = name.length() <= 253 && name.contains(".");
        for (String label : name.split("\\.", -1)) {
            fqdn &= LABEL.matcher(label).matches();
        }
        if (!fqdn) {
            throw VaultException.invalid(where + ": credential binding host \"" + host + "\" must be an FQDN");
        }
        return host;
    }

    private static Auth auth(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            throw VaultException.invalid(where + ": unsupported auth type \"\"");
        }
        object(node, where + " auth", Set.of("type", "credential", "name", "headers"), "invalid binding");
        String type = optionalText(node.get("type"), "auth type").strip();
        String credential = optionalText(node.get("credential"), "auth credential").strip();
        return switch (type) {
            case Auth.BEARER, Auth.BASIC -> new Auth(type, required(credential, where, type), null, List.of());
            case Auth.API_KEY -> new Auth(type, required(credential, where, type),
                    headerName(optionalText(node.get("name"), "auth name"), where), List.of());
            case Auth.CUSTOM_HEADERS -> {
                List<Auth.HeaderRef> headers = list(node.get("headers"), where + " auth.headers", h -> {
                    object(h, where + " auth.headers[]", Set.of("name", "credential"), "invalid binding");
                    String header = headerName(optionalText(h.get("name"), "header name"), where);
                    String ref = optionalText(h.get("credential"), "header credential").strip();
                    if (ref.isEmpty()) {
                        throw VaultException.invalid(where + ": customHeaders entry \"" + header
                                + "\" requires credential");
                    }
                    return new Auth.HeaderRef(header, ref);
                });
                if (headers.isEmpty()) {
                    throw VaultException.invalid(where + ": customHeaders auth requires headers");
                }
                if (headers.stream().map(h -> h.name().toLowerCase(Locale.ROOT)).distinct().count()
                        != headers.size()) {
                    throw VaultException.invalid(where + ": duplicate custom header name");
                }
                yield new Auth(type, null, null, headers);
            }
            default -> throw VaultException.invalid(where + ": unsupported auth type \"" + type + "\" (use bearer, "
                    + "basic, apiKey or customHeaders)");
        };
    }

    private static String required(String credential, String where, String type) {
        if (credential.isEmpty()) {
            throw VaultException.invalid(where + ": " + type + " auth requires credential");
        }
        return credential;
    }

    private static String headerName(String raw, String where) {
        String name = canonical(raw.strip());
        if (name.isEmpty() || !TOKEN.matcher(name).matches()) {
            throw VaultException.invalid(where + ": invalid credential header name \"" + name + "\"");
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw VaultException.invalid(where + ": reserved credential header name \"" + name + "\"");
        }
        return name;
    }

    /** Go's canonical header form ({@code x-api-key} → {@code X-Api-Key}), as upstream reports names. */
    static String canonical(String name) {
        if (!TOKEN.matcher(name).matches()) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return out.toString();
    }

    private static List<String> strings(JsonNode node, String where) {
        return list(node, where, n -> text(n, where + "[]"));
    }

    private static <T> List<T> distinct(List<T> values, List<T> defaults, java.util.function.UnaryOperator<T> fix) {
        if (values.isEmpty()) {
            return defaults;
        }
        return values.stream().map(fix).distinct().toList();
    }

    private static String text(JsonNode node, String where) {
        if (node == null || !node.isTextual()) {
            throw VaultException.invalid(where + " must be a string");
        }
        return node.asText();
    }

    private static String optionalText(JsonNode node, String where) {
        return node == null || node.isNull() ? "" : text(node, where);
    }
}
