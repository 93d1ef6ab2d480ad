package dev.kernelgate.http;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;

/**
 * Transport settings of one {@link HttpServer}. What the server serves lives in {@link Routes}.
 *
 * @param host                 interface to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port                 TCP port; 0 binds an ephemeral port (see {@link RunningServer#port()})
 * @param tls                  server TLS context (Netty JDK provider), or {@code null} for plain HTTP
 * @param maxRequestBodyBytes  default request body limit; routes may override it (uploads)
 * @param wsMaxMessageBytes    largest WebSocket frame and aggregated message; bigger closes with 1009
 * @param idleTimeout          a connection with no traffic and no request in flight is closed after this;
 *                             {@link Duration#ZERO} disables it
 * @param wsPingInterval       server ping period on WebSockets; {@link Duration#ZERO} disables pings
 * @param wsPingTimeout        close a WebSocket whose peer has not ponged for this long;
 *                             {@code null} means max(3 x interval, 30 s), as Jupyter servers do
 * @param ioThreads            worker event-loop threads; 0 lets Netty choose (2 x cores)
 * @param maxInitialLineBytes  longest request line (414 above)
 * @param maxHeaderBytes       largest header block (431 above)
 * @param limits               request-head deadline and per-client connection limit
 */
public record HttpServerConfig(
        String host,
        int port,
        SslContext tls,
        long maxRequestBodyBytes,
        int wsMaxMessageBytes,
        Duration idleTimeout,
        Duration wsPingInterval,
        Duration wsPingTimeout,
        int ioThreads,
        int maxInitialLineBytes,
        int maxHeaderBytes,
        ConnectionLimits limits) {

    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_WS_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
    private static final Duration MIN_PING_TIMEOUT = Duration.ofSeconds(30);

    public HttpServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(wsPingInterval, "wsPingInterval");
        Objects.requireNonNull(limits, "limits");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxRequestBodyBytes < 0 || wsMaxMessageBytes <= 0 || ioThreads < 0
                || maxInitialLineBytes <= 0 || maxHeaderBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (idleTimeout.isNegative() || wsPingInterval.isNegative()
                || (wsPingTimeout != null && wsPingTimeout.isNegative())) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /**
     * Plain HTTP on {@code host:port} with the defaults (10 MiB bodies, 30 s WS pings, 5 min idle, 10 s for a request
     * head, 256 connections per client address).
     */
    public static HttpServerConfig of(String host, int port) {
        return new HttpServerConfig(host, port, null, DEFAULT_MAX_BODY_BYTES, DEFAULT_WS_MAX_MESSAGE_BYTES,
                Duration.ofMinutes(5), Duration.ofSeconds(30), null, 0, 16 * 1024, 32 * 1024,
                ConnectionLimits.defaults());
    }

    public HttpServerConfig withTls(SslContext context) {
        return new HttpServerConfig(host, port, context, maxRequestBodyBytes, wsMaxMessageBytes, idleTimeout,
                wsPingInterval, wsPingTimeout, ioThreads, maxInitialLineBytes, maxHeaderBytes, limits);
    }

    public HttpServerConfig withMaxRequestBodyBytes(long bytes) {
        return new HttpServerConfig(host, port, tls, bytes, wsMaxMessageBytes, idleTimeout,
                wsPingInterval, wsPingTimeout, ioThreads, maxInitialLineBytes, maxHeaderBytes, limits);
    }

    public HttpServerConfig withWsMaxMessageBytes(int bytes) {
        return new HttpServerConfig(host, port, tls, maxRequestBodyBytes, bytes, idleTimeout,
                wsPingInterval, wsPingTimeout, ioThreads, maxInitialLineBytes, maxHeaderBytes, limits);
    }

    public HttpServerConfig withIdleTimeout(Duration timeout) {
        return new HttpServerConfig(host, port, tls, maxRequestBodyBytes, wsMaxMessageBytes, timeout,
                wsPingInterval, wsPingTimeout, ioThreads, maxInitialLineBytes, maxHeaderBytes, limits);
    }

    public HttpServerConfig withWsPing(Duration interval, Duration timeout) {
        return new HttpServerConfig(host, port, tls, maxRequestBodyBytes, wsMaxMessageBytes, idleTimeout,
                interval, timeout, ioThreads, maxInitialLineBytes, maxHeaderBytes, limits);
    }

    public HttpServerConfig withIoThreads(int threads) {
        return new HttpServerConfig(host, port, tls, maxRequestBodyBytes, wsMaxMessageBytes, idleTimeout,
                wsPingInterval, wsPingTimeout, threads, maxInitialLineBytes, maxHeaderBytes, limits);
    }

    public HttpServerConfig withPort(int newPort) {
        return new HttpServerConfig(host, newPort, tls, maxRequestBodyBytes, wsMaxMessageBytes, idleTimeout,
                wsPingInterval, wsPingTimeout, ioThreads, maxInitialLineBytes, maxHeaderBytes, limits);
    }

    public HttpServerConfig withLimits(ConnectionLimits newLimits) {
        return new HttpServerConfig(host, port, tls, maxRequestBodyBytes, wsMaxMessageBytes, idleTimeout,
                wsPingInterval, wsPingTimeout, ioThreads, maxInitialLineBytes, maxHeaderBytes, newLimits);
    }

    /** The pong deadline actually applied. */
    public Duration effectiveWsPingTimeout() {
        if (wsPingTimeout != null) {
            return wsPingTimeout;
        }
        Duration thrice = wsPingInterval.multipliedBy(3);
        return thrice.compareTo(MIN_PING_TIMEOUT) > 0 ? thrice : MIN_PING_TIMEOUT;
    }
}
