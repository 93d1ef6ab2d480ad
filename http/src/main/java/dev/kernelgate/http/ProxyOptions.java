package dev.kernelgate.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * Settings of a face's port proxy ({@link Routes.Builder#proxy(String, ProxyOptions)}). Immutable.
 *
 * <ul>
 *   <li>{@link #selfPorts}: ports that mean "this server" besides the port it is bound to (execd inside a
 *       sandbox answers for 44772 even when it listens elsewhere). Requests for one of them are not sent over
 *       TCP: the prefix is stripped and the request is dispatched through the same route table, in the same
 *       connection. Suppliers are read per request, so a port known only after binding can be given.</li>
 *   <li>{@link #connectTimeout}: how long a connection to the target may take (default 5 s).</li>
 *   <li>{@link #resolver}: where requests go; by default {@code 127.0.0.1:{port}}. With a resolver of its own the
 *       proxy has no "self" ports: every request goes where the resolver says.</li>
 *   <li>{@link #dropHeaders}: request fields the target must not see (e.g. the face's own credentials).</li>
 *   <li>{@link #forwardHost}: send the client's {@code Host} as {@code X-Forwarded-Host} (default: remove it).</li>
 *   <li>{@link #failurePrefix}: put before the messages of the proxy's own 502s (default {@code "NET_004: "}).</li>
 * </ul>
 */
public final class ProxyOptions {

    private static final ProxyOptions DEFAULTS = new ProxyOptions(List.of(), Duration.ofSeconds(5), true, null,
            List.of(), false, "NET_004: ");

    private final List<IntSupplier> selfPorts;
    private final Duration connectTimeout;
    private final boolean inProcessSelf;
    private final ProxyResolver resolver;
    private final List<String> dropHeaders;
    private final boolean forwardHost;
    private final String failurePrefix;

    private ProxyOptions(List<IntSupplier> selfPorts, Duration connectTimeout, boolean inProcessSelf,
                         ProxyResolver resolver, List<String> dropHeaders, boolean forwardHost, String failurePrefix) {
        this.selfPorts = List.copyOf(selfPorts);
        this.connectTimeout = connectTimeout;
        this.inProcessSelf = inProcessSelf;
        this.resolver = resolver;
        this.dropHeaders = List.copyOf(dropHeaders);
        this.forwardHost = forwardHost;
        this.failurePrefix = failurePrefix;
    }

    public static ProxyOptions defaults() {
        return DEFAULTS;
    }

    /** Adds ports served in-process besides the bound one; a supplier answering 0 or less adds nothing. */
    public ProxyOptions selfPorts(IntSupplier... ports) {
        List<IntSupplier> all = new ArrayList<>(selfPorts);
        for (IntSupplier port : ports) {
            all.add(Objects.requireNonNull(port, "port"));
        }
        return new ProxyOptions(all, connectTimeout, inProcessSelf, resolver, dropHeaders, forwardHost,
                failurePrefix);
    }

    /** Fixed alias ports, e.g. {@code selfPorts(44772)}. */
    public ProxyOptions selfPorts(int... ports) {
        IntSupplier[] suppliers = new IntSupplier[ports.length];
        for (int i = 0; i < ports.length; i++) {
            int port = ports[i];
            suppliers[i] = () -> port;
        }
        return selfPorts(suppliers);
    }

    public ProxyOptions connectTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connect timeout out of range: " + timeout);
        }
        return new ProxyOptions(selfPorts, timeout, inProcessSelf, resolver, dropHeaders, forwardHost, failurePrefix);
    }

    /**
     * Whether requests for the server's own ports are dispatched in-process (default) or sent over loopback
     * like any other port (only useful to compare the two).
     */
    public ProxyOptions inProcessSelf(boolean enabled) {
        return new ProxyOptions(selfPorts, connectTimeout, enabled, resolver, dropHeaders, forwardHost,
                failurePrefix);
    }

    /** Resolves each request's target instead of {@code 127.0.0.1:{port}}. */
    public ProxyOptions resolver(ProxyResolver r) {
        return new ProxyOptions(selfPorts, connectTimeout, inProcessSelf, Objects.requireNonNull(r, "resolver"),
                dropHeaders, forwardHost, failurePrefix);
    }

    /** Request header fields removed before forwarding (case-insensitive), besides the hop-by-hop ones. */
    public ProxyOptions dropHeaders(String... names) {
        List<String> all = new ArrayList<>(dropHeaders);
        all.addAll(List.of(names));
        return new ProxyOptions(selfPorts, connectTimeout, inProcessSelf, resolver, all, forwardHost, failurePrefix);
    }

    /** Whether the target learns the client's {@code Host} as {@code X-Forwarded-Host} (one sent is kept). */
    public ProxyOptions forwardHost(boolean enabled) {
        return new ProxyOptions(selfPorts, connectTimeout, inProcessSelf, resolver, dropHeaders, enabled,
                failurePrefix);
    }

    public ProxyOptions failurePrefix(String prefix) {
        return new ProxyOptions(selfPorts, connectTimeout, inProcessSelf, resolver, dropHeaders, forwardHost,
                Objects.requireNonNull(prefix, "prefix"));
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public boolean inProcessSelf() {
        return inProcessSelf && resolver == null;
    }

    /** The resolver, or {@code null} for the default loopback target. */
    ProxyResolver resolver() {
        return resolver;
    }

    List<String> dropHeaders() {
        return dropHeaders;
    }

    boolean forwardHost() {
        return forwardHost;
    }

    String failurePrefix() {
        return failurePrefix;
    }

    /** Whether {@code port} is one of the configured alias ports (the bound port is checked by the caller). */
    boolean isAlias(int port) {
        for (IntSupplier s : selfPorts) {
            if (s.getAsInt() == port) {
                return true;
            }
        }
        return false;
    }
}
