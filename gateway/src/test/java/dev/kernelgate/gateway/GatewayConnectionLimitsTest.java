package dev.kernelgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The gateway's connection-limit settings reach its HTTP server. */
class GatewayConnectionLimitsTest {

    @Test
    void headerTimeoutAndPerClientLimitAreServed() throws Exception {
        GatewayConfig config = GatewaySettings.parse(Map.of("KG_MAX_CONNECTIONS_PER_CLIENT", "1"),
                List.of("--ip=127.0.0.1", "--port=0", "--KernelGatewayApp.request_header_timeout=1"));
        try (KernelGatewayServer.Running gateway = new KernelGatewayServer(config).start();
             Socket first = new Socket("127.0.0.1", gateway.port());
             Socket second = new Socket("127.0.0.1", gateway.port())) {
            long start = System.nanoTime();
            // Both start a head and stop: whichever the server took first times out, the other is one too many.
            String a = partialHeadThenReply(first);
            String b = partialHeadThenReply(second);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of("HTTP/1.1 408", "HTTP/1.1 503"), Stream.of(status(a), status(b)).sorted().toList(),
                    a + "\n" + b);
            String timedOut = a.startsWith("HTTP/1.1 408") ? a : b;
            String refused = timedOut == a ? b : a;
            assertTrue(timedOut.contains("{\"reason\":\"Request Timeout\",\"message\":\"The request head"), timedOut);
            assertTrue(refused.contains("{\"reason\":\"Service Unavailable\",\"message\":\"Too many connections"),
                    refused);
            assertTrue(refused.toLowerCase(java.util.Locale.ROOT).contains("\r\nretry-after: 5\r\n"), refused);
            assertTrue(millis >= 900 && millis < 6000, "408 after " + millis + " ms");
        }
    }

    private static String status(String reply) {
        return reply.substring(0, Math.min(12, reply.length()));
    }

    private static String partialHeadThenReply(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write("GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
