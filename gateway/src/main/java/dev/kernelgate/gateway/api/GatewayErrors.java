package dev.kernelgate.gateway.api;

import dev.kernelgate.gateway.KernelService;
import dev.kernelgate.http.ErrorRenderer;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.ReasonMessageErrorRenderer;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.kernels.KernelStartException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kernel Gateway's two error body formats: {@code {"reason","message"}} (with a traceback for unexpected
 * failures) on most routes, and jupyter_server's {@code {"message","reason":null}} on the kernel-action routes.
 */
public final class GatewayErrors {
    private static final Logger log = LoggerFactory.getLogger(GatewayErrors.class);

    private GatewayErrors() {
    }

    /** KG's JSONErrorsMixin format, mapping the gateway's own exceptions. */
    public static ErrorRenderer reasonMessage() {
        ReasonMessageErrorRenderer kg = new ReasonMessageErrorRenderer(true);
        return mapping((error, request) -> error.isUnexpected() && error.getCause() instanceof KernelStartException e
                ? kernelStartFailure(error, e) : kg.render(error, request));
    }

    /**
     * KG's body for a kernel that cannot start (an unknown name, a failed launch): 500, "Unknown server error", and
     * a traceback, here one line saying what went wrong; a Java stack trace would show clients the server's
     * internals (the log has it).
     */
    private static Response kernelStartFailure(HttpError error, KernelStartException failure) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", error.reason());
        body.put("message", "Unknown server error");
        body.put("traceback", failure.getMessage());
        return new Response.Json(error.status(), error.reason(), body, List.of());
    }

    /** jupyter_server APIHandler format, used by {@code /interrupt}, {@code /restart} and sessions by id. */
    public static ErrorRenderer messageReason() {
        return mapping(GatewayErrors::renderMessageReason);
    }

    /** A renderer that maps the gateway's own exceptions first, then renders with {@code format}. */
    private static ErrorRenderer mapping(java.util.function.BiFunction<HttpError, Request, Response> format) {
        return new ErrorRenderer() {
            @Override
            public HttpError map(Throwable failure) {
                return GatewayErrors.map(failure);
            }

            @Override
            public Response render(HttpError error, Request request) {
                return format.apply(error, request);
            }
        };
    }

    private static Response renderMessageReason(HttpError error, Request request) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (error.isUnexpected()) {
            body.put("message", "Unhandled error");
            body.put("reason", null);
            body.put("traceback", "");
        } else {
            body.put("message", error.message().isEmpty() ? error.reason() : error.message());
            body.put("reason", null);
        }
        return new Response.Json(error.status(), error.reason(), body, List.of());
    }

    static HttpError map(Throwable failure) {
        Throwable f = unwrap(failure);
        if (f instanceof HttpError e) {
            return e;
        }
        if (f instanceof KernelService.ResourceLimitException) {
            return HttpError.forbidden("Resource Limit");
        }
        if (f instanceof KernelStartException) {
            // Upstream answers an unknown kernelspec or a failed launch with a 500 and a traceback, and logs it.
            log.warn("A kernel could not start: {}", f.getMessage(), f.getCause());
            return HttpError.unexpected(f);
        }
        return null;
    }

    static Throwable unwrap(Throwable failure) {
        Throwable f = failure;
        while ((f instanceof CompletionException || f instanceof ExecutionException) && f.getCause() != null) {
            f = f.getCause();
        }
        return f;
    }
}
