package dev.kernelgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
            String first408or503 = partialHeadThenReply(first);
            String second408or503 = partialHeadThenReply(second);
            long millis = (System.nanoTime() - start) / 1_000_000;
            Set<String> statuses = new TreeSet<>(Set.of(first408or503.substring(0, 12),
                    second408or503.substring(0, 12)));
            assertEquals(Set.of("HTTP/1.1 408", "HTTP/1.1 503"), statuses, first408or503 + "\n" + second408or503);
            String timedOut = first408or503.startsWith("HTTP/1.1 408") ? first408or503 : second408or503;
            String refused = timedOut == first408or503 ? second408or503 : first408or503;
            assertTrue(timedOut.contains("{\"reason\":\"Request Timeout\",\"message\":\"The request head"), timedOut);
            assertTrue(refused.contains("{\"reason\":\"Service Unavailable\",\"message\":\"Too many connections"),
                    refused);
            assertTrue(refused.contains("Retry-After: 5") || refused.contains("retry-after: 5"), refused);
            assertTrue(millis >= 900 && millis < 6000, "408 after " + millis + " ms");
        }
    }

    private static String partialHeadThenReply(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write("GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
