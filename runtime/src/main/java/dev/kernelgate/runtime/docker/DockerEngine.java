package dev.kernelgate.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.kernelgate.runtime.spi.SandboxException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A connection to one Docker engine ({@code unix:///...} or {@code tcp://host:port}). No API version is pinned: the
 * requests go to the engine's unversioned paths, which it serves at its own current version, so old and new engines
 * both work (docker-java's models tolerate unknown fields).
 *
 * <p>{@link #call} turns what the client throws into {@link SandboxException}s with
 * upstream's codes: an engine that does not answer is {@code DOCKER::ENGINE_UNREACHABLE} (503), any other engine
 * refusal {@code DOCKER::API_ERROR} (500) with the engine's own message.
 */
public final class DockerEngine implements AutoCloseable {
    private final String host;
    private final DockerClient client;

    /**
     * @param host       the engine's address, e.g. {@code unix:///run/docker.sock}
     * @param apiTimeout longest wait for one engine call
     */
    public DockerEngine(String host, Duration apiTimeout) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("no Docker engine address: set [docker] host or DOCKER_HOST");
        }
        if (!host.startsWith("unix://") && !host.startsWith("tcp://")) {
            throw new IllegalArgumentException("Docker host must be unix:///path or tcp://host:port, not " + host);
        }
        this.host = host;
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(apiTimeout)
                .maxConnections(32)
                .build();
        this.client = DockerClientImpl.getInstance(config, http);
    }

    public String host() {
        return host;
    }

    DockerClient client() {
        return client;
    }

    /** The engine's version string; throws {@code DOCKER::ENGINE_UNREACHABLE} when it does not answer. */
    public String version() {
        return call("ask the engine its version", () -> client.versionCmd().exec().getVersion());
    }

    /** Runs one engine call, translating failures (see the class comment). */
    <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (SandboxException e) {
            throw e;
        } catch (com.github.dockerjava.api.exception.DockerException e) {
            throw new SandboxException(500, DockerErrors.ENGINE_ERROR,
                    "Docker engine at " + host + " refused to " + what + ": " + engineMessage(e), e);
        } catch (RuntimeException e) {
            throw new SandboxException(503, DockerErrors.ENGINE_UNREACHABLE,
                    "cannot " + what + ": the Docker engine at " + host + " does not answer (" + rootMessage(e) + ")", e);
        }
    }

    void run(String what, Runnable action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    /** The engine's message from an error response body ({@code {"message":"..."}}), else the exception's text. */
    static String engineMessage(com.github.dockerjava.api.exception.DockerException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int start = message.indexOf("{\"message\":\"");
        if (start >= 0) {
            int end = message.lastIndexOf("\"}");
            if (end > start) {
                return message.substring(start + 12, end).replace("\\\"", "\"");
            }
        }
        return message.strip();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (java.io.IOException e) {
            // Closing only releases pooled connections; nothing is lost when that fails.
        }
    }
}
