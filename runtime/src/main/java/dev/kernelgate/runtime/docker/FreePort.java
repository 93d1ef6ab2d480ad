package dev.kernelgate.runtime.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback port nobody listens on now, for execd of a host-networked sandbox (they all share the host's ports, so
 * upstream's fixed 44772 would allow one sandbox per host). The port is free when picked; execd binds it a moment
 * later, and a lost race shows as a start failure, not as two sandboxes on one port.
 */
final class FreePort {
    private FreePort() {
    }

    static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port for execd", e);
        }
    }
}
