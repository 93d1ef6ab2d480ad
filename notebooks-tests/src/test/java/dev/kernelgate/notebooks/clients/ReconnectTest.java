package dev.kernelgate.notebooks.clients;

import static dev.kernelgate.notebooks.clients.KernelMessages.JSON;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.notebooks.GatewayFixture;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
    private static final String V1 = "v1.kernel.websocket.jupyter.org";
    private static final int LINES = 3000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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

        List<JdkKernelSocket> sockets = new ArrayList<>();
        JdkKernelSocket first = JdkKernelSocket.connect(gateway, kernelId, session, false);
        sockets.add(first);
        first.send(loop);
        // Leave four times in the middle of the loop (a clean close each time), come back with the same session_id.
        for (int leaveAt : new int[] {LINES / 10, LINES * 3 / 10, LINES / 2, LINES * 7 / 10}) {
            JdkKernelSocket current = sockets.get(sockets.size() - 1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> totalLines(sockets, loop) >= leaveAt || current.idleAfter(loop));
            current.closeAndAwait();
            assertTrue(totalLines(sockets, loop) < LINES,
                    "the loop ended before the client left; nothing was tested (" + totalLines(sockets, loop) + ")");
            sockets.add(JdkKernelSocket.connect(gateway, kernelId, session, false));
        }
        JdkKernelSocket last = sockets.get(sockets.size() - 1);
        await().atMost(Duration.ofSeconds(40)).until(() -> last.idleAfter(loop) && last.replyTo(loop) != null);
        assertEquals("ok", last.replyTo(loop).path("content").path("status").asText());

        String stdout = sockets.stream().map(s -> s.stdoutOf(loop)).collect(Collectors.joining());
        assertCounting(stdout, LINES);
        for (JdkKernelSocket s : sockets.subList(0, sockets.size() - 1)) {
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
        try (JdkKernelSocket ws = JdkKernelSocket.connect(gateway, kernelId, session, v1)) {
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

    private static int totalLines(List<JdkKernelSocket> sockets, JsonNode request) {
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

    /** A kernel WebSocket on java.net.http, collecting every message (text, legacy binary or v1). */
    static final class JdkKernelSocket implements WebSocket.Listener, AutoCloseable {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final boolean v1;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private WebSocket ws;

        private JdkKernelSocket(boolean v1) {
            this.v1 = v1;
        }

        static JdkKernelSocket connect(GatewayFixture gateway, String kernelId, String session, boolean v1)
                throws Exception {
            JdkKernelSocket socket = new JdkKernelSocket(v1);
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().header("Authorization", "token " + TOKEN)
                    .connectTimeout(Duration.ofSeconds(30));
            if (v1) {
                builder.subprotocols(V1);
            }
            socket.ws = builder.buildAsync(URI.create(gateway.wsUrl() + "/api/kernels/" + kernelId
                    + "/channels?session_id=" + session), socket).get(30, TimeUnit.SECONDS);
            assertEquals(v1 ? V1 : "", socket.ws.getSubprotocol(), "negotiated subprotocol");
            return socket;
        }

        void send(JsonNode msg) throws Exception {
            if (v1) {
                ws.sendBinary(KernelMessages.v1Frame(msg), true).get(10, TimeUnit.SECONDS);
            } else {
                ws.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
            }
        }

        /** A clean close: keeps receiving until the server's close frame. */
        void closeAndAwait() throws Exception {
            if (!closed.isDone()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "leaving").get(10, TimeUnit.SECONDS);
            }
            closed.get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(KernelMessages.parse(text.toString()));
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                ByteBuffer frame = ByteBuffer.wrap(binary.toByteArray());
                received.add((v1 ? KernelMessages.parseV1Frame(frame) : KernelMessages.parseBinaryFrame(frame)).json());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        String stdoutOf(JsonNode request) {
            String id = KernelMessages.msgId(request);
            StringBuilder out = new StringBuilder();
            for (JsonNode m : received) {
                if ("stream".equals(m.path("header").path("msg_type").asText())
                        && id.equals(KernelMessages.parentId(m))
                        && "stdout".equals(m.path("content").path("name").asText())) {
                    out.append(m.path("content").path("text").asText());
                }
            }
            return out.toString();
        }

        boolean idleAfter(JsonNode request) {
            String id = KernelMessages.msgId(request);
            return received.stream().anyMatch(m -> "status".equals(m.path("header").path("msg_type").asText())
                    && id.equals(KernelMessages.parentId(m))
                    && "idle".equals(m.path("content").path("execution_state").asText()));
        }

        JsonNode replyTo(JsonNode request) {
            String id = KernelMessages.msgId(request);
            String type = request.path("header").path("msg_type").asText().replace("_request", "_reply");
            return received.stream().filter(m -> type.equals(m.path("header").path("msg_type").asText())
                    && id.equals(KernelMessages.parentId(m))).findFirst().orElse(null);
        }

        @Override
        public void close() throws Exception {
            if (!closed.isDone()) {
                closeAndAwait();
            }
        }
    }
}
