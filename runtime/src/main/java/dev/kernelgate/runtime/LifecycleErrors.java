package dev.kernelgate.runtime;

import dev.kernelgate.http.CodeMessageErrorRenderer;
import dev.kernelgate.http.ErrorRenderer;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.runtime.spi.SandboxException;

/**
 * The lifecycle server's error body, upstream's {@code {"code","message"}}: {@link SandboxException}s keep their
 * status and namespaced code; everything else without a code is {@code GENERAL::UNKNOWN_ERROR}.
 */
final class LifecycleErrors implements ErrorRenderer {
    private final ErrorRenderer body = CodeMessageErrorRenderer.withFallbackCode(ErrorCodes.UNKNOWN);

    @Override
    public HttpError map(Throwable failure) {
        if (failure instanceof SandboxException e) {
            return new HttpError(e.status(), null, e.getMessage(), e.code());
        }
        return null;
    }

    @Override
    public Response render(HttpError error, Request request) {
        return body.render(error, request);
    }
}
