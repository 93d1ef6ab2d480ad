package dev.kernelgate.kernels.zmtp;

/** The peer broke the ZMTP protocol (bad greeting, frame or command): the connection is dropped and dialled again. */
final class ZmtpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ZmtpException(String message) {
        super(message);
    }
}
