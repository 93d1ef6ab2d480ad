package dev.kernelgate.execd.egress.vault;

import java.util.List;

/**
 * Which requests a binding applies to. Upstream's rules: schemes, ports, methods exact (one of); a path pattern
 * ending in {@code *} is a prefix, else the exact path (the query is not part of it); a host is exact, or
 * {@code *.suffix} for any name below the suffix (not the suffix itself), an exact host taking precedence.
 */
public record Match(List<String> schemes, List<Integer> ports, List<String> hosts, List<String> methods,
                    List<String> paths) {
    /** Upstream's defaults for what a binding leaves out. */
    static final List<String> DEFAULT_SCHEMES = List.of("https");
    static final List<Integer> DEFAULT_PORTS = List.of(443);
    static final List<String> DEFAULT_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    static final List<String> DEFAULT_PATHS = List.of("/*");

    public Match {
        schemes = List.copyOf(schemes);
        ports = List.copyOf(ports);
        hosts = List.copyOf(hosts);
        methods = List.copyOf(methods);
        paths = List.copyOf(paths);
    }

    /**
     * @param host the request's host, lower case, without port and trailing dot
     * @param path the request's path without its query
     * @return 0 when it does not match, 1 when through a wildcard host, 2 through an exact host
     */
    public int precedence(String scheme, String host, int port, String method, String path) {
        if (!schemes.contains(scheme) || !ports.contains(port) || !methods.contains(method)
                || paths.stream().noneMatch(p -> pathMatches(path, p))) {
            return 0;
        }
        return hostPrecedence(host);
    }

    /** 0 when no host pattern matches {@code host}, 1 through a wildcard, 2 exactly. */
    public int hostPrecedence(String host) {
        int best = 0;
        for (String pattern : hosts) {
            if (pattern.startsWith("*.")) {
                if (host.endsWith(pattern.substring(1)) && !host.equals(pattern.substring(2))) {
                    best = Math.max(best, 1);
                }
            } else if (host.equals(pattern)) {
                best = 2;
            }
        }
        return best;
    }

    static boolean pathMatches(String path, String pattern) {
        return pattern.endsWith("*") ? path.startsWith(pattern.substring(0, pattern.length() - 1))
                : path.equals(pattern);
    }
}
