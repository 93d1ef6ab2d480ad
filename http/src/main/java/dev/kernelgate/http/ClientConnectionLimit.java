package dev.kernelgate.http;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts one server's open connections per remote address ({@link ConnectionLimits#maxPerClient()}) and says
 * whether a new one may stay. Called from every event loop: the counts live in a concurrent map, each address's
 * entry changed atomically. A refused client is reported at WARN once per burst (refusals less than
 * {@link #BURST_GAP_NANOS} apart), with the total of the burst at INFO once its connections are all closed.
 */
final class ClientConnectionLimit {

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionLimit.class);
    static final long BURST_GAP_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** One address's connections; changed only inside the map's atomic compute. */
    private static final class Client {
        int open;
        long refused;
        long lastRefusalNanos;
    }

    private final int max;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<InetAddress, Client> clients = new ConcurrentHashMap<>();

    ClientConnectionLimit(int max, LongSupplier nanoClock) {
        this.max = max;
        this.nanoClock = nanoClock;
    }

    /** Counts a new connection from {@code address} and returns true, or returns false when it is one too many. */
    boolean admit(InetAddress address) {
        boolean[] admitted = new boolean[1];
        clients.compute(address, (a, client) -> {
            Client c = client != null ? client : new Client();
            if (c.open < max) {
                c.open++;
                admitted[0] = true;
                return c;
            }
            long now = nanoClock.getAsLong();
            boolean newBurst = c.refused == 0 || now - c.lastRefusalNanos > BURST_GAP_NANOS;
            if (newBurst) {
                if (c.refused > 0) {
                    log.info("Client {}: {} connections refused in its previous burst", a.getHostAddress(), c.refused);
                }
                c.refused = 0;
                log.warn("Client {} has {} connections open, the limit per client address; further ones are answered "
                        + "503 (reported once per burst)", a.getHostAddress(), max);
            }
            c.refused++;
            c.lastRefusalNanos = now;
            return c;
        });
        return admitted[0];
    }

    /** A connection admitted by {@link #admit} has closed. */
    void release(InetAddress address) {
        clients.computeIfPresent(address, (a, c) -> {
            c.open--;
            if (c.open > 0) {
                return c;
            }
            if (c.refused > 0) {
                log.info("Client {}: {} connections refused over the limit of {}", a.getHostAddress(), c.refused, max);
            }
            return null;
        });
    }

    /** Connections open from {@code address} (for tests). */
    int open(InetAddress address) {
        Client c = clients.get(address);
        return c == null ? 0 : c.open;
    }
}
