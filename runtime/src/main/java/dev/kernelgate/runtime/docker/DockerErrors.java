package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.SandboxException;

/**
 * The error codes of Docker runtime failures, upstream's namespaced ones ({@code DOCKER::...}, {@code VOLUME::...});
 * they travel in {@link dev.kernelgate.runtime.spi.SandboxException}s with the HTTP status the API answers with.
 */
public final class DockerErrors {
    public static final String ENGINE_UNREACHABLE = "DOCKER::ENGINE_UNREACHABLE";
    public static final String IMAGE_NOT_FOUND = "DOCKER::IMAGE_NOT_FOUND";
    public static final String IMAGE_UNSUPPORTED = "DOCKER::IMAGE_UNSUPPORTED";
    public static final String SANDBOX_NOT_FOUND = "DOCKER::SANDBOX_NOT_FOUND";
    public static final String SANDBOX_NOT_REACHABLE = "DOCKER::SANDBOX_NOT_REACHABLE";
    public static final String EXECD_START_FAILED = "DOCKER::SANDBOX_EXECD_START_FAILED";
    public static final String EXECD_DISTRIBUTION_FAILED = "DOCKER::SANDBOX_EXECD_DISTRIBUTION_FAILED";
    public static final String ENGINE_ERROR = "DOCKER::API_ERROR";
    public static final String HOST_PATH_NOT_ALLOWED = HostPathPolicy.NOT_ALLOWED;
    public static final String UNSUPPORTED_VOLUME = "VOLUME::UNSUPPORTED_BACKEND";

    private DockerErrors() {
    }
}
