package dev.kernelgate.execd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.gateway.kernel.KernelManagerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** execd's connection-limit flags reach its HTTP server. */
class ExecdConnectionLimitsTest {

    @TempDir
    Path dir;

    @Test
    void headerTimeoutAndPerClientLimitAreServed() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EXECD_MAX_CONNECTIONS_PER_CLIENT", "1");
        ExecdConfig config = ExecdSettings.parse(env, List.of("--port=0", "--host=127.0.0.1",
                "--request-header-timeout=1s"));
        KernelManagerConfig kernels = KernelManagerConfig.defaults(env).withRuntimeDir(dir.resolve("runtime"));
        try (ExecdServer.Running execd = new ExecdServer(config, env, kernels).start();
             Socket first = new Socket("127.0.0.1", execd.port());
             Socket second = new Socket("127.0.0.1", execd.port())) {
            long start = System.nanoTime();
            // Both start a head and stop: whichever the server took first times out, the other is one too many.
            String a = partialHeadThenReply(first);
            String b = partialHeadThenReply(second);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of("HTTP/1.1 408", "HTTP/1.1 503"), Stream.of(status(a), status(b)).sorted().toList(),
                    a + "\n" + b);
            String timedOut = a.startsWith("HTTP/1.1 408") ? a : b;
            String refused = timedOut == a ? b : a;
            assertTrue(timedOut.contains("\"message\":\"The request head"), timedOut);
            assertTrue(refused.contains("\"message\":\"Too many connections from 127.0.0.1: at most 1 "), refused);
            assertTrue(millis >= 900 && millis < 6000, "408 after " + millis + " ms");
        }
    }

    private static String status(String reply) {
        return reply.substring(0, Math.min(12, reply.length()));
    }

    private static String partialHeadThenReply(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
