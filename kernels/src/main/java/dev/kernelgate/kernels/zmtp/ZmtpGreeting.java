package dev.kernelgate.kernels.zmtp;

import java.nio.charset.StandardCharsets;

/**
 * The 64-byte ZMTP 3 greeting (RFC 23): signature {@code FF 00*8 7F}, version, mechanism, as-server, filler. We
 * greet as a 3.0 client with the NULL mechanism: a 3.0 peer subscribes with a message and needs no PING, which is
 * all a kernel's sockets use, and libzmq and JeroMQ peers speaking 3.1 fall back to it.
 */
final class ZmtpGreeting {
    static final int LENGTH = 64;
    static final int MAJOR = 3;
    static final int MINOR = 0;
    static final String MECHANISM = "NULL";

    private ZmtpGreeting() {
    }

    /** Our greeting. The last padding byte is 1, as libzmq sends it (a ZMTP 1.0 peer reads it as a length). */
    static byte[] ours() {
        byte[] g = new byte[LENGTH];
        g[0] = (byte) 0xFF;
        g[8] = 1;
        g[9] = 0x7F;
        g[10] = MAJOR;
        g[11] = MINOR;
        byte[] mechanism = MECHANISM.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(mechanism, 0, g, 12, mechanism.length);
        g[32] = 0; // as-server: we connect
        return g;
    }

    /** Checks a peer's greeting; returns null when it is acceptable, else why not. */
    static String problem(byte[] g) {
        if ((g[0] & 0xFF) != 0xFF || g[9] != 0x7F) {
            return "not a ZMTP 3 peer (bad signature)";
        }
        if (g[10] < MAJOR) {
            return "peer speaks ZMTP " + g[10] + "." + g[11] + ", 3.0 or later is needed";
        }
        int end = 12;
        while (end < 32 && g[end] != 0) {
            end++;
        }
        String mechanism = new String(g, 12, end - 12, StandardCharsets.US_ASCII);
        if (!MECHANISM.equals(mechanism)) {
            return "peer wants security mechanism " + mechanism + ", only NULL is supported";
        }
        return null;
    }
}
