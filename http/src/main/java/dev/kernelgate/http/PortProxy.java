package dev.kernelgate.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A face's port proxy: which request targets it takes (its template, e.g. {@code /proxy/{port}} or
 * {@code /sandboxes/{id}/proxy/{port}}, then anything below) and how they are forwarded ({@link ProxyOptions}: by
 * default to {@code http://127.0.0.1:{port}/{rest}?{query}}). Immutable; built by {@link Routes}. The
 * per-connection work is {@link ProxyHandler}'s.
 */
final class PortProxy {

    private static final String PORT = "port";
    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");

    /**
     * A request target under the template.
     *
     * @param prefix the raw path the template matched, e.g. {@code /proxy/8080}
     * @param params the template's parameters, decoded ({@code port} as sent)
     * @param path   the rest of the raw path, at least {@code /}
     */
    record Target(PortProxy proxy, String prefix, Map<String, String> params, String portText, int port, String path,
                  String rawQuery) {

        /** Whether {@link #port} is a usable TCP port. */
        boolean validPort() {
            return port > 0;
        }

        /** The request target for the upstream: the rest of the path (raw) and the query as sent. */
        String uri() {
            return rawQuery == null ? path : path + "?" + rawQuery;
        }
    }

    /** The template's segments: a literal, or a parameter's name when {@link #isParam}. */
    private final List<String> segments;
    private final boolean[] isParam;
    private final String template;
    private final ProxyOptions options;

    private PortProxy(List<String> segments, boolean[] isParam, String template, ProxyOptions options) {
        this.segments = segments;
        this.isParam = isParam;
        this.template = template;
        this.options = options;
    }

    /**
     * @param basePath normalized base path of the face ({@code ""} or {@code "/base"})
     * @param template literal segments and {@code {name}} parameters, the first segment literal and the last
     *                 {@code {port}}, e.g. {@code "/proxy/{port}"}
     */
    static PortProxy compile(String basePath, String template, ProxyOptions options) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(options, "options");
        String full = basePath + template;
        if (!full.startsWith("/") || full.endsWith("/") || full.indexOf('?') >= 0 || full.contains("//")) {
            throw new IllegalArgumentException("bad proxy template: " + template);
        }
        List<String> segments = new ArrayList<>();
        String[] parts = full.substring(1).split("/");
        boolean[] isParam = new boolean[parts.length];
        Set<String> names = new HashSet<>();
        for (int i = 0; i < parts.length; i++) {
            var m = PARAM.matcher(parts[i]);
            if (m.matches()) {
                isParam[i] = true;
                segments.add(m.group(1));
                if (!names.add(m.group(1))) {
                    throw new IllegalArgumentException("proxy template names " + m.group(1) + " twice: " + template);
                }
            } else if (parts[i].indexOf('{') >= 0 || parts[i].indexOf('}') >= 0) {
                throw new IllegalArgumentException("proxy template segment is neither literal nor {name}: "
                        + template);
            } else {
                segments.add(parts[i]);
            }
        }
        if (isParam[0] || !isParam[parts.length - 1] || !segments.get(parts.length - 1).equals(PORT)) {
            throw new IllegalArgumentException("proxy template needs a literal first segment and must end with "
                    + "/{port}, like /proxy/{port}: " + template);
        }
        return new PortProxy(List.copyOf(segments), isParam, full, options);
    }

    ProxyOptions options() {
        return options;
    }

    /**
     * The proxy target of a request target (origin or absolute form), or {@code null} when it is not under the
     * template. A missing or malformed port still matches, with {@link Target#validPort()} false; other parameters
     * must not be empty.
     */
    Target match(String uri) {
        if (uri == null) {
            return null;
        }
        String u = uri;
        if (u.startsWith("http://") || u.startsWith("https://")) {
            int slash = u.indexOf('/', u.indexOf("//") + 2);
            u = slash < 0 ? "/" : u.substring(slash);
        }
        int hash = u.indexOf('#');
        if (hash >= 0) {
            u = u.substring(0, hash);
        }
        int question = u.indexOf('?');
        String path = question < 0 ? u : u.substring(0, question);
        String query = question < 0 ? null : u.substring(question + 1);
        Map<String, String> params = new LinkedHashMap<>();
        String portText = "";
        int pos = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (pos >= path.length() || path.charAt(pos) != '/') {
                return null;
            }
            int end = path.indexOf('/', pos + 1);
            end = end < 0 ? path.length() : end;
            String segment = path.substring(pos + 1, end);
            if (!isParam[i]) {
                if (!segment.equals(segments.get(i))) {
                    return null;
                }
            } else if (i == segments.size() - 1) {
                portText = segment;
                params.put(PORT, segment);
            } else if (segment.isEmpty()) {
                return null;
            } else {
                params.put(segments.get(i), PathCodec.decode(segment));
            }
            pos = end;
        }
        String rest = pos == path.length() ? "/" : path.substring(pos);
        return new Target(this, path.substring(0, pos), Map.copyOf(params), portText, parsePort(portText), rest,
                query);
    }

    /** 1..65535 in plain decimal digits, else -1. */
    static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return -1;
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= 65535 ? port : -1;
    }

    /** Whether {@code port} is served in-process: the server's bound port or a configured alias. */
    boolean isSelf(int port, int boundPort) {
        return options.inProcessSelf() && (port == boundPort || options.isAlias(port));
    }

    @Override
    public String toString() {
        return template + "/{rest}";
    }
}
