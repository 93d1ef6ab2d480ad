package dev.kernelgate.execd;

import dev.kernelgate.http.HttpError;

/** Builds execd's {@code {"code","message"}} errors with upstream's status codes. */
public final class ExecdException {
    private ExecdException() {
    }

    public static HttpError of(int status, ExecdErrorCode code, String message) {
        return new HttpError(status, reason(status), message, code.name());
    }

    private static String reason(int status) {
        return io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
    }
}
