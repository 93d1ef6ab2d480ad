package dev.kernelgate.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What one client may hold of a server: how long a connection may take to send a complete request head, and how
 * many connections one remote address may have open at once. Slow or numerous connections otherwise hold their
 * slots until the idle timeout (minutes).
 *
 * @param headerTimeout  a connection that has not sent a complete request head (request line and headers) this long
 *                       after connecting, or after the first byte of a later request on a kept-alive connection, is
 *                       answered 408 and closed; {@link Duration#ZERO} disables it. Bodies, kept-alive connections
 *                       waiting for their next request and upgraded connections are not subject to it
 * @param maxPerClient   connections one remote IP address may have open at once; more are answered 503 and closed.
 *                       0 or negative = unlimited
 */
public record ConnectionLimits(Duration headerTimeout, int maxPerClient) {

    /**
     * 10 s, as Go servers commonly set ReadHeaderTimeout: a real client sends its head in one write, so even a slow
     * link needs well under a second, while a connection that trickles bytes gives up its slot after 10 s rather
     * than nginx's 60.
     */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /**
     * 256: above the heaviest legitimate use from one address that the project knows (the concurrency benchmark's
     * 200 WebSockets plus its REST clients, all from 127.0.0.1), yet a bound on what one host can take.
     */
    public static final int DEFAULT_MAX_PER_CLIENT = 256;
    /** Longer than any sensible deadline, short enough to schedule (nanoseconds must not overflow). */
    public static final Duration MAX_HEADER_TIMEOUT = Duration.ofDays(1);

    public ConnectionLimits {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        if (headerTimeout.isNegative() || headerTimeout.compareTo(MAX_HEADER_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the request header timeout must be between 0 (off) and 1 day, not "
                    + headerTimeout.toMillis() / 1000.0 + " s");
        }
    }

    public static ConnectionLimits defaults() {
        return new ConnectionLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_PER_CLIENT);
    }

    /** No deadline and no per-client limit. */
    public static ConnectionLimits none() {
        return new ConnectionLimits(Duration.ZERO, 0);
    }

    public ConnectionLimits withHeaderTimeout(Duration timeout) {
        return new ConnectionLimits(timeout, maxPerClient);
    }

    public ConnectionLimits withMaxPerClient(int max) {
        return new ConnectionLimits(headerTimeout, max);
    }

    boolean headerDeadline() {
        return !headerTimeout.isZero();
    }

    boolean perClientLimit() {
        return maxPerClient > 0;
    }
}
