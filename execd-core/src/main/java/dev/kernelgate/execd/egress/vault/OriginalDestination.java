package dev.kernelgate.execd.egress.vault;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where a connection redirected by iptables (nat REDIRECT) was going: {@code getsockopt(SOL_IP, SO_ORIGINAL_DST)} on
 * the accepted socket, answered by conntrack. IPv4 only (the sidecar redirects IPv4 only).
 */
final class OriginalDestination {
    private static final int SOL_IP = 0;
    /** linux/netfilter_ipv4.h */
    private static final int SO_ORIGINAL_DST = 80;

    private interface Libc extends Library {
        Libc C = Native.load("c", Libc.class);

        int getsockopt(int fd, int level, int option, byte[] value, IntByReference length);
    }

    private OriginalDestination() {
    }

    /** The original destination, or empty when the socket was not redirected (or the call fails). */
    static Optional<InetSocketAddress> of(int fd) {
        byte[] sockaddr = new byte[16];     // struct sockaddr_in
        IntByReference length = new IntByReference(sockaddr.length);
        if (Libc.C.getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, sockaddr, length) != 0) {
            return Optional.empty();
        }
        int port = (sockaddr[2] & 0xff) << 8 | sockaddr[3] & 0xff;      // network byte order
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(
                    new byte[] {sockaddr[4], sockaddr[5], sockaddr[6], sockaddr[7]}), port));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
