package dev.kernelgate.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * OpenSandbox's error body (execd and the lifecycle server): {@code {"code": ..., "message": ...}},
 * empty fields left out as Go's {@code omitempty} does.
 */
public final class CodeMessageErrorRenderer implements ErrorRenderer {

    private final IntFunction<String> defaultCode;

    /** @param defaultCode code for errors that carry none, by status (may return {@code null}) */
    public CodeMessageErrorRenderer(IntFunction<String> defaultCode) {
        this.defaultCode = defaultCode;
    }

    /** Every error without its own code gets {@code fallbackCode}. */
    public static CodeMessageErrorRenderer withFallbackCode(String fallbackCode) {
        return new CodeMessageErrorRenderer(status -> fallbackCode);
    }

    @Override
    public Response render(HttpError error, Request request) {
        Map<String, Object> body = new LinkedHashMap<>();
        String code = error.code() != null ? error.code() : defaultCode.apply(error.status());
        if (code != null && !code.isEmpty()) {
            body.put("code", code);
        }
        if (!error.message().isEmpty()) {
            body.put("message", error.message());
        }
        return new Response.Json(error.status(), null, body, List.of());
    }
}
