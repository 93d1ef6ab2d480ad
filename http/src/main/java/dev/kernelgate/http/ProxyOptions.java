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
 * </ul>
 */
public final class ProxyOptions {

    private static final ProxyOptions DEFAULTS = new ProxyOptions(List.of(), Duration.ofSeconds(5), true);

    private final List<IntSupplier> selfPorts;
    private final Duration connectTimeout;
    private final boolean inProcessSelf;

    private ProxyOptions(List<IntSupplier> selfPorts, Duration connectTimeout, boolean inProcessSelf) {
        this.selfPorts = List.copyOf(selfPorts);
        this.connectTimeout = connectTimeout;
        this.inProcessSelf = inProcessSelf;
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
        return new ProxyOptions(all, connectTimeout, inProcessSelf);
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
        return new ProxyOptions(selfPorts, timeout, inProcessSelf);
    }

    /**
     * Whether requests for the server's own ports are dispatched in-process (default) or sent over loopback
     * like any other port (only useful to compare the two).
     */
    public ProxyOptions inProcessSelf(boolean enabled) {
        return new ProxyOptions(selfPorts, connectTimeout, enabled);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public boolean inProcessSelf() {
        return inProcessSelf;
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
