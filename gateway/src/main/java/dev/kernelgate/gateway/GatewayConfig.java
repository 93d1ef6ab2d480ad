package dev.kernelgate.gateway;

import dev.kernelgate.http.ConnectionLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the Kernel Gateway face, named after jupyter kernelgateway's traits. Parsed once by
 * {@link GatewaySettings} (flags over {@code KG_*} environment over defaults) and passed down.
 *
 * @param maxKernels      0 = no limit
 * @param prespawnCount   warm kernels kept per default kernelspec
 * @param wsPingInterval  zero disables server pings
 * @param cullIdleTimeout zero disables culling of idle kernels
 * @param iopubMsgRateLimit  messages/s per connection above which IOPub output is dropped; 0 (default) = never
 * @param connectionLimits   request-head deadline and connections per client address (ours, not upstream's)
 * @param api             which personality serves: the Kernel Gateway API or a notebook as HTTP endpoints
 * @param seedUri         the seed notebook (a path, {@code file:} or {@code http(s):} URI); {@code null} = none
 * @param notebookHttp    settings of the notebook-http personality
 */
public record GatewayConfig(String ip, int port, int portRetries, String baseUrl, String authToken,
                            String allowCredentials, String allowHeaders, String allowMethods, String allowOrigin,
                            String exposeHeaders, String maxAge, int maxKernels, boolean listKernels,
                            String defaultKernelName, String forceKernelName, int prespawnCount,
                            List<String> envProcessWhitelist, List<String> envWhitelist, Path certfile, Path keyfile,
                            Path clientCa, Duration wsPingInterval, Duration cullIdleTimeout, Duration cullInterval,
                            boolean cullConnected, boolean cullBusy, double iopubMsgRateLimit,
                            List<Path> kernelDirs, List<Path> dropInDirs, ConnectionLimits connectionLimits,
                            Personality api, String seedUri, NotebookHttpConfig notebookHttp) {

    /** The two faces of upstream's {@code api} setting. */
    public enum Personality { JUPYTER_WEBSOCKET, NOTEBOOK_HTTP }

    public GatewayConfig {
        envProcessWhitelist = List.copyOf(envProcessWhitelist);
        envWhitelist = List.copyOf(envWhitelist);
        kernelDirs = List.copyOf(kernelDirs);
        dropInDirs = List.copyOf(dropInDirs);
    }

    /** Upstream's default kernel name. */
    public static final String UPSTREAM_DEFAULT_KERNEL = "python3";

    /** The configured default kernel name, or upstream's; the service adapts it to the specs found. */
    public String effectiveDefaultKernelName() {
        return defaultKernelName == null || defaultKernelName.isBlank() ? UPSTREAM_DEFAULT_KERNEL : defaultKernelName;
    }

    /** The base URL as a prefix for absolute paths: always starts and ends with {@code /}. */
    public String baseUrlPrefix() {
        String b = baseUrl == null || baseUrl.isBlank() ? "/" : baseUrl;
        if (!b.startsWith("/")) {
            b = "/" + b;
        }
        return b.endsWith("/") ? b : b + "/";
    }

    public boolean tls() {
        return certfile != null;
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(ip, newPort, portRetries, baseUrl, authToken, allowCredentials, allowHeaders,
                allowMethods, allowOrigin, exposeHeaders, maxAge, maxKernels, listKernels, defaultKernelName,
                forceKernelName, prespawnCount, envProcessWhitelist, envWhitelist, certfile, keyfile, clientCa,
                wsPingInterval, cullIdleTimeout, cullInterval, cullConnected, cullBusy, iopubMsgRateLimit,
                kernelDirs, dropInDirs, connectionLimits, api, seedUri, notebookHttp);
    }
}
