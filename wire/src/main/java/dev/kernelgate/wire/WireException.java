package dev.kernelgate.wire;

/** A message that cannot be accepted: malformed framing, bad JSON or a failed signature check. */
public class WireException extends Exception {
    public WireException(String message) {
        super(message);
    }

    public WireException(String message, Throwable cause) {
        super(message, cause);
    }
}
