package dev.kernelgate.runtime;

import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.SandboxException;
import java.util.Locale;

/**
 * Upstream's namespaced error codes. Sandbox-level codes carry the runtime's namespace as upstream's services do
 * ({@code DOCKER::SANDBOX_NOT_FOUND}, {@code KUBERNETES::SANDBOX_NOT_FOUND}; ours is {@code LOCAL::...}).
 */
public final class ErrorCodes {
    public static final String UNKNOWN = "GENERAL::UNKNOWN_ERROR";
    public static final String INVALID_PARAMETER = "SANDBOX::INVALID_PARAMETER";
    public static final String INVALID_METADATA_LABEL = "SANDBOX::INVALID_METADATA_LABEL";
    public static final String API_NOT_SUPPORTED = "SANDBOX::API_NOT_SUPPORTED";
    public static final String INVALID_METADATA_FORMAT = "INVALID_METADATA_FORMAT";
    public static final String MISSING_API_KEY = "MISSING_API_KEY";
    public static final String INVALID_API_KEY = "INVALID_API_KEY";
    public static final String INVALID_VOLUME_NAME = "VOLUME::INVALID_NAME";
    public static final String DUPLICATE_VOLUME_NAME = "VOLUME::DUPLICATE_NAME";
    public static final String INVALID_VOLUME_BACKEND = "VOLUME::INVALID_BACKEND";
    public static final String INVALID_MOUNT_PATH = "VOLUME::INVALID_MOUNT_PATH";
    public static final String INVALID_SUB_PATH = "VOLUME::INVALID_SUB_PATH";
    public static final String INVALID_HOST_PATH = "VOLUME::INVALID_HOST_PATH";
    public static final String HOST_PATH_NOT_ALLOWED = HostPathPolicy.NOT_ALLOWED;
    public static final String INVALID_PVC_NAME = "VOLUME::INVALID_PVC_NAME";

    private final String namespace;

    /** Codes for the runtime of {@code type} ({@code local} → {@code LOCAL::...}). */
    public ErrorCodes(String type) {
        this.namespace = type.toUpperCase(Locale.ROOT) + "::";
    }

    public SandboxException notFound(String id) {
        return new SandboxException(404, namespace + "SANDBOX_NOT_FOUND", "Sandbox " + id + " not found.");
    }

    public SandboxException notRunning(String id) {
        return new SandboxException(409, namespace + "SANDBOX_NOT_RUNNING",
                "Sandbox " + id + " is not in a running state.");
    }

    /** The server proxy cannot reach the sandbox: 502, as for a target that does not answer. */
    public SandboxException unreachable(String id, String why) {
        return new SandboxException(502, namespace + "SANDBOX_NOT_REACHABLE", "Sandbox " + id
                + " cannot be reached through the server proxy: " + why);
    }

    public SandboxException notPaused(String id) {
        return new SandboxException(409, namespace + "SANDBOX_NOT_PAUSED",
                "Sandbox " + id + " is not in a paused state.");
    }

    public SandboxException invalidExpiration(int status, String message) {
        return new SandboxException(status, namespace + "INVALID_EXPIRATION", message);
    }

    public SandboxException invalidPort(String value) {
        return new SandboxException(400, namespace + "INVALID_PORT",
                "Port must be an integer between 1 and 65535, not '" + value + "'.");
    }

    public String startFailed() {
        return namespace + "SANDBOX_START_FAILED";
    }

    /** A request-shape problem: 422 as FastAPI answers a schema violation, with upstream's parameter code. */
    public static SandboxException unprocessable(String message) {
        return new SandboxException(422, INVALID_PARAMETER, message);
    }

    public static SandboxException invalid(String code, String message) {
        return new SandboxException(400, code, message);
    }
}
