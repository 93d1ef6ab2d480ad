package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * For each face's test that its settings reach its server: against a server started with a 1 s request-head
 * deadline and one connection per client address, two connections each start a head and stop. Whichever the
 * server took first is answered 408 at the deadline, the other 503 at once. Shared with the other modules' tests
 * through this module's test jar.
 */
public final class ConnectionLimitsProbe {

    /** The two whole answers (status line, headers, body), as received. */
    public record Replies(String timedOut, String refused) {
    }

    private ConnectionLimitsProbe() {
    }

    /** Probes {@code 127.0.0.1:port} with heads for {@code path}; asserts the statuses and the deadline's timing. */
    public static Replies probe(int port, String path) throws IOException {
        try (Socket first = new Socket("127.0.0.1", port); Socket second = new Socket("127.0.0.1", port)) {
            long start = System.nanoTime();
            String a = partialHeadThenReply(first, path);
            String b = partialHeadThenReply(second, path);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of("HTTP/1.1 408", "HTTP/1.1 503"), Stream.of(status(a), status(b)).sorted().toList(),
                    a + "\n" + b);
            String timedOut = a.startsWith("HTTP/1.1 408") ? a : b;
            String refused = timedOut == a ? b : a;
            assertTrue(millis >= 900 && millis < 6000, "408 after " + millis + " ms");
            assertTrue(timedOut.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), timedOut);
            assertTrue(refused.toLowerCase(Locale.ROOT).contains("\r\nretry-after: 5\r\n"), refused);
            assertTrue(refused.contains("Too many connections from 127.0.0.1: at most 1 "), refused);
            return new Replies(timedOut, refused);
        }
    }

    private static String status(String reply) {
        return reply.substring(0, Math.min(12, reply.length()));
    }

    private static String partialHeadThenReply(Socket socket, String path) throws IOException {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
