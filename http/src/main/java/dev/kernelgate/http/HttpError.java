package dev.kernelgate.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A failure with an HTTP status. Handlers throw it (or fail their future with it); the face's
 * {@link ErrorRenderer} turns it into the body its upstream uses. Not logged: it is an answer, not a bug.
 *
 * <p>{@link #reason()} is the status-line phrase (KG echoes it in its body), {@link #code()} the
 * machine code execd and the lifecycle server put in theirs, {@link #headers()} extra fields such as
 * {@code Allow} on 405 or {@code Content-Range} on 416.
 */
public class HttpError extends RuntimeException {

    private final int status;
    private final String reason;
    private final String code;
    private final List<Header> headers;
    private final boolean unexpected;

    public HttpError(int status, String message) {
        this(status, null, message, null, List.of(), null, false);
    }

    public HttpError(int status, String reason, String message, String code) {
        this(status, reason, message, code, List.of(), null, false);
    }

    private HttpError(int status, String reason, String message, String code, List<Header> headers,
                      Throwable cause, boolean unexpected) {
        // No stack trace: these are control flow; the cause (if any) keeps its own.
        super(message == null ? "" : message, cause, false, false);
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("bad status " + status);
        }
        this.status = status;
        this.reason = reason != null ? reason : HttpResponseStatus.valueOf(status).reasonPhrase();
        this.code = code;
        this.headers = List.copyOf(headers);
        this.unexpected = unexpected;
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    public static HttpError unauthorized(String message) {
        return new HttpError(401, message);
    }

    public static HttpError forbidden(String message) {
        return new HttpError(403, message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    public static HttpError methodNotAllowed(Collection<String> allowed) {
        return new HttpError(405, "").withHeader("Allow", String.join(", ", allowed));
    }

    public static HttpError payloadTooLarge(long limit) {
        return new HttpError(413, "Request body exceeds " + limit + " bytes");
    }

    public static HttpError rangeNotSatisfiable(long length) {
        return new HttpError(416, "").withHeader("Content-Range", "bytes */" + length);
    }

    /** 500 for a failure nobody mapped; the kit logs the cause once before rendering this. */
    public static HttpError unexpected(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        return new HttpError(500, null, message, null, List.of(), cause, true);
    }

    public HttpError withCode(String newCode) {
        return new HttpError(status, reason, getMessage(), newCode, headers, getCause(), unexpected);
    }

    public HttpError withReason(String newReason) {
        return new HttpError(status, newReason, getMessage(), code, headers, getCause(), unexpected);
    }

    public HttpError withHeader(String name, String value) {
        return new HttpError(status, reason, getMessage(), code, Header.append(headers, name, value), getCause(),
                unexpected);
    }

    public int status() {
        return status;
    }

    /** Status-line phrase; the standard one unless the face chose another. */
    public String reason() {
        return reason;
    }

    /** Never null; empty when there is nothing to say. */
    public String message() {
        return getMessage();
    }

    /** Machine-readable code (execd, lifecycle) or {@code null}. */
    public String code() {
        return code;
    }

    public List<Header> headers() {
        return headers;
    }

    /** True for a wrapped non-HTTP failure (a bug or an unmapped exception); {@link #getCause()} has it. */
    public boolean isUnexpected() {
        return unexpected;
    }
}
