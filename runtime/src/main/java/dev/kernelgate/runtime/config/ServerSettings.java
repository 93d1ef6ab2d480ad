package dev.kernelgate.runtime.config;

import dev.kernelgate.http.ConnectionLimits;
import java.nio.file.Path;

/**
 * {@code [server]}. Upstream keys plus TLS and the minimum timeout (upstream's fixed 60 s; tests lower it).
 *
 * @param apiKey                   null when none is configured (the server then refuses to start unless allowed)
 * @param eip                      the host name endpoints advertise instead of 127.0.0.1, or null
 * @param maxSandboxTimeoutSeconds cap on {@code timeout}, or null for none
 * @param minSandboxTimeoutSeconds floor on {@code timeout} (60 as upstream)
 * @param tlsCertFile              PEM certificate chain, or null for plain HTTP
 * @param tlsKeyFile               PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC)
 * @param tlsSelfSigned            generate a development certificate at start
 * @param connectionLimits         {@code request_header_timeout_seconds} and {@code max_connections_per_client}
 *                                 (ours, not upstream's)
 */
public record ServerSettings(String host, int port, String apiKey, String eip, Long maxSandboxTimeoutSeconds,
                             long minSandboxTimeoutSeconds, int timeoutKeepAlive, int limitConcurrency, int backlog,
                             int threadPoolSize, String loop, String http, Path tlsCertFile, Path tlsKeyFile,
                             boolean tlsSelfSigned, ConnectionLimits connectionLimits) {

    public static ServerSettings defaults() {
        return new ServerSettings("0.0.0.0", 8080, null, null, null, 60, 30, 1024, 2048, 200, "auto", "auto", null,
                null, false, ConnectionLimits.defaults());
    }

    public boolean tls() {
        return tlsSelfSigned || tlsCertFile != null;
    }

    public ServerSettings withListen(String h, int p) {
        return new ServerSettings(h, p, apiKey, eip, maxSandboxTimeoutSeconds, minSandboxTimeoutSeconds,
                timeoutKeepAlive, limitConcurrency, backlog, threadPoolSize, loop, http, tlsCertFile, tlsKeyFile,
                tlsSelfSigned, connectionLimits);
    }

    public ServerSettings withApiKey(String key) {
        return new ServerSettings(host, port, key, eip, maxSandboxTimeoutSeconds, minSandboxTimeoutSeconds,
                timeoutKeepAlive, limitConcurrency, backlog, threadPoolSize, loop, http, tlsCertFile, tlsKeyFile,
                tlsSelfSigned, connectionLimits);
    }

    public ServerSettings withEip(String address) {
        return new ServerSettings(host, port, apiKey, address, maxSandboxTimeoutSeconds, minSandboxTimeoutSeconds,
                timeoutKeepAlive, limitConcurrency, backlog, threadPoolSize, loop, http, tlsCertFile, tlsKeyFile,
                tlsSelfSigned, connectionLimits);
    }

    public ServerSettings withTls(Path cert, Path key, boolean selfSigned) {
        return new ServerSettings(host, port, apiKey, eip, maxSandboxTimeoutSeconds, minSandboxTimeoutSeconds,
                timeoutKeepAlive, limitConcurrency, backlog, threadPoolSize, loop, http, cert, key, selfSigned,
                connectionLimits);
    }

    public ServerSettings withTimeouts(long minSeconds, Long maxSeconds) {
        return new ServerSettings(host, port, apiKey, eip, maxSeconds, minSeconds, timeoutKeepAlive,
                limitConcurrency, backlog, threadPoolSize, loop, http, tlsCertFile, tlsKeyFile, tlsSelfSigned,
                connectionLimits);
    }
}
