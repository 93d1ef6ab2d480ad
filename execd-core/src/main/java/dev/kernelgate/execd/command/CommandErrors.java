package dev.kernelgate.execd.command;

import dev.kernelgate.execd.ExecdErrorCode;
import dev.kernelgate.http.HttpError;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns service failures into the kit's {@link HttpError} with execd's codes. */
final class CommandErrors {

    private CommandErrors() {
    }

    static HttpError http(CommandException e) {
        return new HttpError(e.status(), null, e.getMessage(), e.code().name());
    }

    static HttpError http(int status, ExecdErrorCode code, String message) {
        return new HttpError(status, null, message, code.name());
    }

    /** A future's failure as an HttpError; anything but a {@link CommandException} becomes 500 RUNTIME_ERROR. */
    static HttpError http(Throwable failure, String prefix) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CommandException e) {
            return http(e);
        }
        if (cause instanceof HttpError e) {
            return e;
        }
        return http(500, ExecdErrorCode.RUNTIME_ERROR, prefix + cause);
    }
}
