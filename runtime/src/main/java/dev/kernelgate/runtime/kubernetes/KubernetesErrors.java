package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.spi.SandboxException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/** Upstream's {@code KUBERNETES::...} codes, and one translation of API failures into them. */
final class KubernetesErrors {
    static final String SANDBOX_NOT_FOUND = "KUBERNETES::SANDBOX_NOT_FOUND";
    static final String SANDBOX_NOT_REACHABLE = "KUBERNETES::SANDBOX_NOT_REACHABLE";
    static final String START_FAILED = "KUBERNETES::SANDBOX_START_FAILED";
    static final String POD_READY_TIMEOUT = "KUBERNETES::POD_READY_TIMEOUT";
    static final String RESOURCE_QUOTA_EXCEEDED = "KUBERNETES::RESOURCE_QUOTA_EXCEEDED";
    static final String IMAGE_AUTH_NOT_SUPPORTED = "KUBERNETES::IMAGE_AUTH_NOT_SUPPORTED";
    static final String UNSUPPORTED_VOLUME = "VOLUME::UNSUPPORTED_BACKEND";
    static final String API_ERROR = "KUBERNETES::API_ERROR";
    static final String API_UNREACHABLE = "KUBERNETES::API_UNREACHABLE";

    private KubernetesErrors() {
    }

    /**
     * A failed API call as the lifecycle API reports it: no HTTP answer at all means the API server is unreachable
     * (503); a refusal keeps the API server's words, with a hint where the cause is usually the server's own RBAC.
     */
    /** Runs one API request; a failure becomes the sandbox error {@link #api} describes. */
    static <T> T call(String action, String namespace, Supplier<T> request) {
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            throw api(action, namespace, e);
        }
    }

    static SandboxException api(String action, String namespace, KubernetesClientException e) {
        int code = e.getCode();
        // No status code (0, or -1 from some transports): no answer came back at all.
        if (code <= 0) {
            return new SandboxException(503, API_UNREACHABLE, "cannot " + action + ": the Kubernetes API server is "
                    + "unreachable (" + rootMessage(e) + ")", e);
        }
        String hint = code == 401 || code == 403 ? "; the server's service account needs the Role in "
                + "runtime/kubernetes/rbac.yaml in namespace " + namespace : "";
        String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : rootMessage(e);
        return new SandboxException(code == 422 || code == 400 ? 400 : 500, API_ERROR,
                "cannot " + action + ": the Kubernetes API answered " + code + " (" + reason + ")" + hint, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    static SandboxException notFound(String id) {
        return new SandboxException(404, SANDBOX_NOT_FOUND, "Sandbox " + id + " not found.");
    }
}
