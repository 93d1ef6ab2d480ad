package dev.kernelgate.runtime.docker;

/**
 * A Docker runtime failure with upstream's namespaced error code ({@code DOCKER::...}, {@code VOLUME::...}) and the
 * HTTP status the lifecycle API answers with.
 */
public final class DockerException extends RuntimeException {
    public static final String ENGINE_UNREACHABLE = "DOCKER::ENGINE_UNREACHABLE";
    public static final String IMAGE_NOT_FOUND = "DOCKER::IMAGE_NOT_FOUND";
    public static final String IMAGE_UNSUPPORTED = "DOCKER::IMAGE_UNSUPPORTED";
    public static final String SANDBOX_NOT_FOUND = "DOCKER::SANDBOX_NOT_FOUND";
    public static final String EXECD_START_FAILED = "DOCKER::SANDBOX_EXECD_START_FAILED";
    public static final String EXECD_DISTRIBUTION_FAILED = "DOCKER::SANDBOX_EXECD_DISTRIBUTION_FAILED";
    public static final String ENGINE_ERROR = "DOCKER::API_ERROR";
    public static final String HOST_PATH_NOT_ALLOWED = "VOLUME::HOST_PATH_NOT_ALLOWED";

    private final int status;
    private final String code;

    public DockerException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public DockerException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
