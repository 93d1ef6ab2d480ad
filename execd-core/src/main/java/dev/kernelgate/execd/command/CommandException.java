package dev.kernelgate.execd.command;

import dev.kernelgate.execd.ExecdErrorCode;

/**
 * A command or session operation refused, with the status and code upstream execd answers with. The handlers turn
 * it into the {@code {"code","message"}} body; services stay free of HTTP types.
 */
public final class CommandException extends Exception {

    private final int status;
    private final ExecdErrorCode code;

    public CommandException(int status, ExecdErrorCode code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** 400 INVALID_REQUEST_BODY. */
    static CommandException invalid(String message) {
        return new CommandException(400, ExecdErrorCode.INVALID_REQUEST_BODY, message);
    }

    /** 500 RUNTIME_ERROR. */
    static CommandException runtime(String message) {
        return new CommandException(500, ExecdErrorCode.RUNTIME_ERROR, message);
    }

    public int status() {
        return status;
    }

    public ExecdErrorCode code() {
        return code;
    }
}
