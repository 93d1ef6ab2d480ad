package dev.kernelgate.notebooks.clients;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.notebooks.GatewayFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Output is never lost: a client (the JDK's own WebSocket) that disconnects in the middle of a printing loop and
 * comes back with the same session_id gets everything it missed, in order, exactly once; and a loop printing
 * 5 MB arrives whole, on both framings.
 */
class ReconnectTest {
    private static final String TOKEN = "reconnect-token";
    private static final int LINES = 3000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // kept for the kernel and client logs when a test fails
    Path dir;

    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = GatewayFixture.start(dir, Map.of("KG_AUTH_TOKEN", TOKEN));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Timeout(60)
    void reconnectingWithTheSameSessionIdMissesNothingOfALongLoop() throws Exception {
        String kernelId = KernelMessages.startKernel(gateway.httpUrl(), TOKEN, "python3");
        String session = UUID.randomUUID().toString();
        ObjectNode loop = KernelMessages.execute(session, "import time\n"
                + "for i in range(" + LINES + "):\n"
                + "    print(i, flush=True)\n"
                + "    time.sleep(0.001)\n");

        List<PacedKernelSocket> sockets = new ArrayList<>();
        PacedKernelSocket first = PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernelId, session, false);
        sockets.add(first);
        first.send(loop);
        // Leave four times in the middle of the loop (a clean close each time), come back with the same session_id.
        for (int leaveAt : new int[] {LINES / 10, LINES * 3 / 10, LINES / 2, LINES * 7 / 10}) {
            PacedKernelSocket current = sockets.get(sockets.size() - 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> totalLines(sockets, loop) >= leaveAt || current.idleAfter(loop));
            current.closeAndAwait();
            assertTrue(totalLines(sockets, loop) < LINES,
                    "the loop ended before the client left; nothing was tested (" + totalLines(sockets, loop) + ")");
            sockets.add(PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernelId, session, false));
        }
        PacedKernelSocket last = sockets.get(sockets.size() - 1);
        await().atMost(Duration.ofSeconds(40)).until(() -> last.idleAfter(loop) && last.replyTo(loop) != null);
        assertEquals("ok", last.replyTo(loop).path("content").path("status").asText());

        String stdout = sockets.stream().map(s -> s.stdoutOf(loop)).collect(Collectors.joining());
        assertCounting(stdout, LINES);
        for (PacedKernelSocket s : sockets.subList(0, sockets.size() - 1)) {
            assertTrue(!s.stdoutOf(loop).isEmpty(), "every connection saw part of the output");
        }

        JsonNode model = KernelMessages.parse(KernelMessages.rest(gateway.httpUrl(), TOKEN, "GET",
                "/api/kernels/" + kernelId, null).body());
        assertEquals(1, model.path("connections").asInt(), "connections after four reconnects: " + model);
        last.closeAndAwait();
    }

    @ParameterizedTest(name = "v1 subprotocol: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(60)
    void fiveMegabytesOfOutputArriveComplete(boolean v1) throws Exception {
        String kernelId = KernelMessages.startKernel(gateway.httpUrl(), TOKEN, "python3");
        String session = UUID.randomUUID().toString();
        String line = "x".repeat(99) + "\n";
        int count = 50_000;
        try (PacedKernelSocket ws = PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernelId, session, v1)) {
            ObjectNode big = KernelMessages.execute(session, "import sys\n"
                    + "for i in range(" + count + "):\n"
                    + "    sys.stdout.write('x' * 99 + '\\n')\n");
            ws.send(big);
            await().atMost(Duration.ofSeconds(45)).until(() -> ws.idleAfter(big) && ws.replyTo(big) != null);
            assertEquals("ok", ws.replyTo(big).path("content").path("status").asText());
            String stdout = ws.stdoutOf(big);
            assertEquals((long) line.length() * count, stdout.length(), "stdout bytes");
            assertEquals(line.repeat(count), stdout);
            assertTrue(ws.received.stream().noneMatch(m -> "stderr".equals(m.path("content").path("name").asText())),
                    "no rate-limit or other stderr message");
        }
    }

    private static int totalLines(List<PacedKernelSocket> sockets, JsonNode request) {
        return sockets.stream().mapToInt(s -> (int) s.stdoutOf(request).chars().filter(c -> c == '\n').count()).sum();
    }

    /** stdout must be 0..n-1, one per line, in order; the message names the first gap or repeat. */
    private static void assertCounting(String stdout, int n) {
        String[] lines = stdout.split("\n", -1);
        assertEquals("", lines[lines.length - 1], "stdout ends with a newline");
        int expected = 0;
        for (int i = 0; i < lines.length - 1; i++) {
            int value = Integer.parseInt(lines[i]);
            if (value != expected) {
                throw new AssertionError("line " + i + " is " + value + ", expected " + expected
                        + (value < expected ? " (duplicate)" : " (lost " + expected + ".." + (value - 1) + ")"));
            }
            expected++;
        }
        assertEquals(n, expected, "number of lines");
    }
}
