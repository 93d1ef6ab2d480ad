package dev.kernelgate.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds free TCP ports for a kernel's five channels by binding port 0 and releasing it. Ports handed out
 * recently are not handed out again, which keeps two kernels started back to back from racing for one port.
 */
final class PortAllocator {
    private static final int RECENT = 4096;

    private final Deque<Integer> recentOrder = new ArrayDeque<>();
    private final Set<Integer> recent = new HashSet<>();

    synchronized int[] allocate(String ip, int count) {
        int[] ports = new int[count];
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            InetAddress address = InetAddress.getByName(ip);
            int found = 0;
            for (int attempt = 0; found < count && attempt < count * 20; attempt++) {
                ServerSocket socket = new ServerSocket(0, 1, address);
                int port = socket.getLocalPort();
                if (recent.contains(port)) {
                    socket.close();
                    continue;
                }
                sockets[found] = socket;
                ports[found++] = port;
            }
            if (found < count) {
                throw new IOException("no free ports on " + ip);
            }
            for (int port : ports) {
                remember(port);
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot allocate kernel ports on " + ip, e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // nothing to release
                    }
                }
            }
        }
    }

    private void remember(int port) {
        recent.add(port);
        recentOrder.addLast(port);
        if (recentOrder.size() > RECENT) {
            recent.remove(recentOrder.removeFirst());
        }
    }
}
