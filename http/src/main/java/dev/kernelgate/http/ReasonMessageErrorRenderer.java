package dev.kernelgate.http;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jupyter Kernel Gateway's error body: {@code {"reason": ..., "message": ...}}, plus
 * {@code "traceback"} and {@code "message": "Unknown server error"} for unexpected failures
 * (KG {@code JSONErrorsMixin.write_error}). The status-line phrase is the same reason.
 */
public final class ReasonMessageErrorRenderer implements ErrorRenderer {

    private final boolean includeTraceback;

    /** @param includeTraceback whether unexpected failures carry their stack trace, as KG does */
    public ReasonMessageErrorRenderer(boolean includeTraceback) {
        this.includeTraceback = includeTraceback;
    }

    @Override
    public Response render(HttpError error, Request request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", error.reason());
        if (error.isUnexpected()) {
            body.put("message", "Unknown server error");
            if (includeTraceback) {
                body.put("traceback", traceback(error.getCause()));
            }
        } else {
            body.put("message", error.message());
        }
        return new Response.Json(error.status(), error.reason(), body, List.of());
    }

    private static String traceback(Throwable cause) {
        StringWriter out = new StringWriter();
        cause.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
