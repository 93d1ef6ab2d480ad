package dev.kernelgate.kernels;

import java.util.Locale;

/**
 * How the gateway talks ZMQ to its kernels: {@link #ZMTP}, the gateway's own ZMTP 3 client on Netty event loops
 * (the default: a message crosses no thread of its own), or {@link #JEROMQ}, JeroMQ sockets on a reactor thread
 * per kernel.
 */
public enum KernelTransport {
    ZMTP, JEROMQ;

    /** The environment variable (and, for tests, the system property) that chooses it. */
    public static final String VARIABLE = "KERNELGATE_KERNEL_TRANSPORT";
    public static final String PROPERTY = "kernelgate.kernel.transport";

    /** {@code zmtp} or {@code jeromq}, any case; anything else is refused with the accepted values. */
    public static KernelTransport parse(String value) {
        for (KernelTransport t : values()) {
            if (t.name().equalsIgnoreCase(value.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException("kernel transport must be zmtp or jeromq, not '" + value + "'");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
