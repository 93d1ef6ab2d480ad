package dev.kernelgate.http;

import java.util.Objects;

/**
 * A face's port proxy: which request targets it takes ({@code <prefix>/{port}} and {@code <prefix>/{port}/...})
 * and where they go ({@code http://127.0.0.1:{port}/{rest}?{query}}). Immutable; built by {@link Routes}.
 * The per-connection work is {@link ProxyHandler}'s.
 */
final class PortProxy {

    private static final String PORT_PARAM = "/{port}";

    /** A request target under the prefix. */
    record Target(String portText, int port, String path, String rawQuery) {

        /** Whether {@link #port} is a usable TCP port. */
        boolean validPort() {
            return port > 0;
        }

        /** The request target for the upstream: the rest of the path (raw) and the query as sent. */
        String uri() {
            return rawQuery == null ? path : path + "?" + rawQuery;
        }
    }

    private final String prefix;
    private final String template;
    private final ProxyOptions options;

    private PortProxy(String prefix, String template, ProxyOptions options) {
        this.prefix = prefix;
        this.template = template;
        this.options = options;
    }

    /**
     * @param basePath normalized base path of the face ({@code ""} or {@code "/base"})
     * @param template {@code "<prefix>/{port}"}, e.g. {@code "/proxy/{port}"}
     */
    static PortProxy compile(String basePath, String template, ProxyOptions options) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(options, "options");
        if (!template.endsWith(PORT_PARAM)) {
            throw new IllegalArgumentException("proxy template must end with /{port}: " + template);
        }
        String literal = template.substring(0, template.length() - PORT_PARAM.length());
        if (!literal.startsWith("/") || literal.indexOf('{') >= 0 || literal.indexOf('}') >= 0
                || literal.indexOf('?') >= 0 || literal.endsWith("/")) {
            throw new IllegalArgumentException("proxy template needs a literal prefix like /proxy/{port}: " + template);
        }
        return new PortProxy(basePath + literal, basePath + template, options);
    }

    ProxyOptions options() {
        return options;
    }

    /** E.g. {@code "/proxy"}. */
    String prefix() {
        return prefix;
    }

    /**
     * The proxy target of a request target (origin or absolute form), or {@code null} when it is not under
     * {@code <prefix>/}. A missing or malformed port still matches, with {@link Target#validPort()} false.
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
        if (!path.startsWith(prefix) || path.length() <= prefix.length() || path.charAt(prefix.length()) != '/') {
            return null;
        }
        int portStart = prefix.length() + 1;
        int portEnd = path.indexOf('/', portStart);
        String portText = portEnd < 0 ? path.substring(portStart) : path.substring(portStart, portEnd);
        String rest = portEnd < 0 ? "/" : path.substring(portEnd);
        return new Target(portText, parsePort(portText), rest, query);
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
