package dev.kernelgate.wire;

/** The frames or JSON of a message do not have the shape the protocol requires. */
public final class MalformedMessageException extends WireException {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
