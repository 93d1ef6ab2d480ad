package dev.kernelgate.execd.egress;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The resolver file the sandbox shares with the sidecar. Docker gives a container that joins another's network the
 * other's {@code /etc/resolv.conf} (the same file, bind-mounted), so rewriting it in place here points the sandbox's
 * resolver at the proxy.
 */
final class ResolvConf {
    private ResolvConf() {
    }

    /** Marks the nameservers a take-over replaced, kept as comments for a restarted sidecar to find its upstream. */
    static final String REPLACED = "#replaced-by-egress-proxy";

    /**
     * The literal nameserver addresses of the file, in order, then those a take-over replaced (a sidecar restarted in
     * its Pod finds the proxy's own address first, and the original nameservers after it).
     */
    static List<String> nameservers(Path file) throws IOException {
        List<String> active = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] words = line.strip().split("\\s+");
            boolean old = words.length >= 3 && words[0].equals(REPLACED);
            int at = old ? 1 : 0;
            if (words.length >= at + 2 && words[at].equals("nameserver") && IpBlock.literal(words[at + 1]) != null) {
                (old ? replaced : active).add(words[at + 1]);
            }
        }
        active.addAll(replaced);
        return active;
    }

    /**
     * Replaces the nameserver lines by one naming {@code proxy} (port 53 only: resolv.conf has no port), keeping
     * search and options lines. Written in place (truncate and write), never by rename: a rename would leave the
     * sandbox's bind mount on the old file.
     */
    static void pointAt(Path file, InetSocketAddress proxy) throws IOException {
        if (proxy.getPort() != 53) {
            throw new IOException("resolv.conf can only name a DNS proxy on port 53, not " + proxy);
        }
        StringBuilder text = new StringBuilder("# written by the kernelgate egress sidecar: queries go through its policy\n");
        String own = proxy.getAddress().getHostAddress();
        text.append("nameserver ").append(own).append('\n');
        for (String server : nameservers(file)) {
            if (!server.equals(own)) {
                text.append(REPLACED).append(" nameserver ").append(server).append('\n');
            }
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("search ") || trimmed.startsWith("options ") || trimmed.startsWith("domain ")) {
                text.append(trimmed).append('\n');
            }
        }
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            out.setLength(0);
            out.write(bytes);
        }
    }
}
