package dev.kernelgate.execd.files;

import dev.kernelgate.execd.ExecdErrorCode;
import dev.kernelgate.http.HttpError;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * The errors of the file routes, with upstream execd's statuses and codes. Refusals by the optional policy (and
 * permission errors from the OS) carry the troubleshooting id {@value #FS_002} in their message.
 */
public final class FsErrors {

    /** Troubleshooting id: permission denied, a path outside the allowed roots, or an upload over the limit. */
    public static final String FS_002 = "FS_002";

    private FsErrors() {
    }

    public static HttpError of(int status, ExecdErrorCode code, String message) {
        return new HttpError(status, null, message, code.name());
    }

    static HttpError missingQuery(String name) {
        return of(400, ExecdErrorCode.MISSING_QUERY, "missing query parameter '" + name + "'");
    }

    static HttpError invalidRequest(String message) {
        return of(400, ExecdErrorCode.INVALID_REQUEST_BODY, message);
    }

    static HttpError invalidBody(Exception cause) {
        return invalidRequest("error parsing request, MAYBE invalid body format. " + cause.getMessage());
    }

    static HttpError runtime(String message) {
        return of(500, ExecdErrorCode.RUNTIME_ERROR, message);
    }

    static HttpError notFound(String message) {
        return of(404, ExecdErrorCode.FILE_NOT_FOUND, message);
    }

    /** 403 from the optional policy (allowed roots, upload size). */
    static HttpError policy(String message) {
        return of(403, ExecdErrorCode.RUNTIME_ERROR, FS_002 + ": " + message);
    }

    /** Upstream's {@code handleFileError}: a missing file is 404 FILE_NOT_FOUND, anything else 500 RUNTIME_ERROR. */
    static HttpError fileError(IOException e) {
        if (e instanceof NoSuchFileException) {
            return notFound("file not found. " + describe(e));
        }
        return runtime("error accessing file: " + describe(e));
    }

    /** A 500 RUNTIME_ERROR with upstream's prefix, e.g. "error removing file /x. permission denied". */
    static HttpError runtime(String prefix, IOException e) {
        if (e instanceof NoSuchFileException) {
            return notFound(prefix + " " + describe(e));
        }
        return runtime(prefix + " " + describe(e));
    }

    /** A readable, Go-like text for an I/O failure; permission problems name {@value #FS_002}. */
    static String describe(Throwable e) {
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied (" + FS_002 + ")";
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or directory";
        }
        if (e instanceof FileSystemException f) {
            String reason = f.getReason();
            String file = f.getFile();
            String text = (file == null ? "" : file) + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile())
                    + (reason == null ? "" : ": " + reason);
            String simple = f.getClass().getSimpleName().replace("Exception", "");
            return text.isEmpty() ? simple : text + (reason == null ? " (" + simple + ")" : "");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
