package dev.kernelgate.execd;

/** The {@code code} values of execd error bodies {@code {"code","message"}}, as upstream execd sends them. */
public enum ExecdErrorCode {
    INVALID_REQUEST_BODY, MISSING_QUERY, RUNTIME_ERROR, INVALID_FILE, INVALID_FILE_CONTENT, INVALID_FILE_METADATA,
    FILE_NOT_FOUND, UNKNOWN, CONTEXT_NOT_FOUND, NOT_SUPPORTED
}
