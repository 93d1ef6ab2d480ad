package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * Where the lifecycle server is and the key it wants: {@code args[0]} and {@code args[1]}, else
 * {@code $SANDBOX_SERVER_URL} (default {@code http://127.0.0.1:8080}, what {@code ./kernelgate server} listens on) and
 * {@code $OPEN_SANDBOX_API_KEY} (the variable the SDK itself reads).
 *
 * @param url    e.g. {@code http://127.0.0.1:8080}; the scheme picks HTTP or HTTPS
 * @param apiKey the server's {@code [server] api_key}
 */
public record ServerAddress(URI url, String apiKey) {
    /** The image every example asks for; the local runtime records it, the container runtimes start it. */
    public static final String IMAGE = System.getenv().getOrDefault("SANDBOX_IMAGE", "python:3.12-slim");

    public ServerAddress {
        if (url.getHost() == null || url.getScheme() == null) {
            throw badUrl(url.toString());
        }
        if (apiKey == null || apiKey.isEmpty()) {
            throw new IllegalArgumentException("no API key: pass it as the second argument or set OPEN_SANDBOX_API_KEY");
        }
    }

    public static ServerAddress fromArgs(String[] args) {
        String url = args.length > 0 ? args[0] : System.getenv().getOrDefault("SANDBOX_SERVER_URL",
                "http://127.0.0.1:8080");
        String key = args.length > 1 ? args[1] : System.getenv("OPEN_SANDBOX_API_KEY");
        try {
            return new ServerAddress(new URI(url), key);
        } catch (URISyntaxException e) {
            throw badUrl(url);
        }
    }

    private static IllegalArgumentException badUrl(String url) {
        return new IllegalArgumentException("server URL needs a scheme and host, e.g. http://127.0.0.1:8080: " + url);
    }

    /** The SDK's connection settings for this server, ready for more settings (see ConcurrentCommands). */
    public ConnectionConfig.Builder connection() {
        String domain = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
        return ConnectionConfig.builder()
                .protocol(url.getScheme())
                .domain(domain)
                .apiKey(apiKey)
                // Lifecycle calls (create, kill) answer in well under a second here; 30 s covers a cold image pull
                // on a container runtime. Command streams are not bound by it: the SDK reads them without a timeout.
                .requestTimeout(Duration.ofSeconds(30));
    }
}
