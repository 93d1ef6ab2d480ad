package dev.kernelgate.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** The status of a response line, with the face's reason phrase when it gives one. */
final class StatusLine {
    private StatusLine() {
    }

    static HttpResponseStatus of(int code, String reason) {
        if (reason == null || reason.isEmpty()) {
            return HttpResponseStatus.valueOf(code);
        }
        // A reason is free text from the face; keep the status line parseable.
        return new HttpResponseStatus(code, reason.replaceAll("[\\r\\n]", " "));
    }
}
