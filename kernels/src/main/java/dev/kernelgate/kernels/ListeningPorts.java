package dev.kernelgate.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Which TCP ports are listening, from {@code /proc/net/tcp}. The manager connects to a starting kernel only once
 * its ports listen: a ZMQ socket that keeps reconnecting to a port nobody listens on can end up connected to
 * itself (TCP self-connect) and then holds the very port the kernel is about to bind.
 */
final class ListeningPorts {
    private static final Path[] TABLES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};
    private static final String LISTEN = "0A";

    private ListeningPorts() {
    }

    /** True when every port listens, or when the tables cannot be read (then ZMQ's reconnects must do). */
    static boolean allListening(int... ports) {
        Set<Integer> listening = new HashSet<>();
        boolean readable = false;
        for (Path table : TABLES) {
            try {
                for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
                    parse(line, listening);
                }
                readable = true;
            } catch (IOException e) {
                // tcp6 may be absent; judged below
            }
        }
        if (!readable) {
            return true;
        }
        for (int port : ports) {
            if (!listening.contains(port)) {
                return false;
            }
        }
        return true;
    }

    private static void parse(String line, Set<Integer> listening) {
        // "  0: 0100007F:A1B2 00000000:0000 0A ..." — local address:port in hex, then remote, then state.
        String[] cols = line.trim().split("\\s+", 5);
        if (cols.length < 4 || !LISTEN.equals(cols[3])) {
            return;
        }
        int colon = cols[1].lastIndexOf(':');
        if (colon < 0) {
            return;
        }
        try {
            listening.add(Integer.parseInt(cols[1].substring(colon + 1), 16));
        } catch (NumberFormatException ignored) {
            // header line
        }
    }
}
