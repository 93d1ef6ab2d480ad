package dev.kernelgate.notebooks.clients;

import static dev.kernelgate.notebooks.clients.KernelMessages.JSON;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.notebooks.GatewayFixture;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java client on Tyrus (the jakarta.websocket reference implementation) speaking the legacy kernel protocol
 * (no subprotocol): JSON text frames, and the legacy binary frame for messages with buffers, through an
 * ipykernel comm target that echoes what it gets.
 */
class TyrusLegacyClientTest {
    private static final String TOKEN = "tyrus-token";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ECHO_TARGET = """
            def _echo_target(comm, open_msg):
                @comm.on_msg
                def _echo(msg):
                    comm.send(msg['content']['data'], buffers=msg['buffers'])
            get_ipython().kernel.comm_manager.register_target('echo', _echo_target)
            """;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // kept for the kernel and client logs when a test fails
    Path dir;

    private GatewayFixture gateway;
    private ClientManager tyrus;

    @BeforeEach
    void start() throws Exception {
        gateway = GatewayFixture.start(dir, Map.of("KG_AUTH_TOKEN", TOKEN));
        tyrus = ClientManager.createClient();
    }

    @AfterEach
    void stop() {
        if (tyrus != null) {
            tyrus.shutdown();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Timeout(60)
    void kernelInfoExecuteAndACommWithBinaryBuffersRoundTrip() throws Exception {
        String kernelId = KernelMessages.startKernel(gateway.httpUrl(), TOKEN, "python3");
        try (KernelSocket ws = KernelSocket.connect(tyrus, gateway, kernelId)) {
            assertEquals("", Optional.ofNullable(ws.session.getNegotiatedSubprotocol()).orElse(""),
                    "no subprotocol offered, none selected");

            // kernel_info: a JSON text frame with the legacy top-level fields
            ObjectNode info = KernelMessages.request(ws.sessionId, "shell", "kernel_info_request",
                    JSON.createObjectNode());
            ws.sendText(info);
            Received reply = ws.awaitMessage(r -> r.isReplyTo(info, "kernel_info_reply"));
            assertFalse(reply.binary);
            assertEquals("shell", reply.json.path("channel").asText());
            assertEquals(KernelMessages.msgId(reply.json), reply.json.path("msg_id").asText());
            assertEquals("kernel_info_reply", reply.json.path("msg_type").asText());
            assertTrue(reply.json.path("buffers").isArray() && reply.json.path("buffers").isEmpty(),
                    "legacy text frames carry buffers: []");
            assertEquals("ok", reply.json.path("content").path("status").asText());
            assertEquals("python", reply.json.path("content").path("language_info").path("name").asText());

            // execute with stream output
            ObjectNode print = KernelMessages.execute(ws.sessionId, "print('tyrus on the legacy protocol')");
            ws.sendText(print);
            ws.awaitMessage(r -> r.isReplyTo(print, "execute_reply"));
            ws.awaitMessage(r -> r.isIdleAfter(print));
            assertEquals("tyrus on the legacy protocol\n", ws.stdoutOf(print));
            assertEquals("ok", ws.awaitMessage(r -> r.isReplyTo(print, "execute_reply")).json.path("content")
                    .path("status").asText());

            // a comm target that echoes data and buffers back
            ObjectNode register = KernelMessages.execute(ws.sessionId, ECHO_TARGET);
            ws.sendText(register);
            assertEquals("ok", ws.awaitMessage(r -> r.isReplyTo(register, "execute_reply")).json.path("content")
                    .path("status").asText());

            String commId = UUID.randomUUID().toString();
            ObjectNode openContent = JSON.createObjectNode();
            openContent.put("comm_id", commId);
            openContent.put("target_name", "echo");
            openContent.putObject("data");
            ObjectNode open = KernelMessages.request(ws.sessionId, "shell", "comm_open", openContent);
            ws.sendText(open);
            ws.awaitMessage(r -> r.isIdleAfter(open));

            // comm_msg with three buffers (one empty) in a legacy binary frame
            byte[] counting = new byte[256];
            for (int i = 0; i < counting.length; i++) {
                counting[i] = (byte) i;
            }
            byte[] random = new byte[300_000];
            new Random(42).nextBytes(random);
            List<byte[]> buffers = List.of(counting, new byte[0], random);
            ObjectNode msgContent = JSON.createObjectNode();
            msgContent.put("comm_id", commId);
            msgContent.putObject("data").put("echo", "ping \u00e9\u00e8 \u2713");
            ObjectNode commMsg = KernelMessages.request(ws.sessionId, "shell", "comm_msg", msgContent);
            ws.sendBinary(KernelMessages.binaryFrame(commMsg, buffers));

            Received echo = ws.awaitMessage(r -> "comm_msg".equals(r.msgType()) && r.hasParent(commMsg));
            assertTrue(echo.binary, "a message with buffers must come as a binary frame");
            assertEquals("iopub", echo.json.path("channel").asText());
            assertEquals(commId, echo.json.path("content").path("comm_id").asText());
            assertEquals("ping \u00e9\u00e8 \u2713", echo.json.path("content").path("data").path("echo").asText());
            assertFalse(echo.json.has("buffers"), "the JSON part of a binary frame has no 'buffers' key");
            assertEquals(buffers.size(), echo.buffers.size(), "buffer count");
            for (int i = 0; i < buffers.size(); i++) {
                assertArrayEquals(buffers.get(i), echo.buffers.get(i), "buffer " + i + " changed on the way");
            }

            // the same comm without buffers: a text frame again, with buffers []
            ObjectNode plainContent = JSON.createObjectNode();
            plainContent.put("comm_id", commId);
            plainContent.putObject("data").put("n", 2);
            ObjectNode plain = KernelMessages.request(ws.sessionId, "shell", "comm_msg", plainContent);
            ws.sendText(plain);
            Received plainEcho = ws.awaitMessage(r -> "comm_msg".equals(r.msgType()) && r.hasParent(plain));
            assertFalse(plainEcho.binary);
            assertEquals(2, plainEcho.json.path("content").path("data").path("n").asInt());
            assertTrue(plainEcho.json.path("buffers").isEmpty());

            long binaryFrames = ws.received.stream().filter(r -> r.binary).count();
            assertEquals(1, binaryFrames, "only the message with buffers is binary");
        }
        assertEquals(204, KernelMessages.rest(gateway.httpUrl(), TOKEN, "DELETE", "/api/kernels/" + kernelId, null)
                .statusCode());
    }

    /**
     * After a REST restart the same WebSocket keeps working, and output of requests sent right after the restart
     * returns is not lost (the connection must prove its IOPub subscription to the new kernel process again).
     */
    @Test
    @Timeout(60)
    void theSameSocketGetsAllOutputRightAfterRestarts() throws Exception {
        String kernelId = KernelMessages.startKernel(gateway.httpUrl(), TOKEN, "python3");
        try (KernelSocket ws = KernelSocket.connect(tyrus, gateway, kernelId)) {
            ObjectNode define = KernelMessages.execute(ws.sessionId, "survivor = 1");
            ws.sendText(define);
            ws.awaitMessage(r -> r.isIdleAfter(define));
            for (int round = 1; round <= 3; round++) {
                var restart = KernelMessages.rest(gateway.httpUrl(), TOKEN, "POST",
                        "/api/kernels/" + kernelId + "/restart", "{}");
                assertEquals(200, restart.statusCode(), restart.body());
                ObjectNode after = KernelMessages.execute(ws.sessionId,
                        "print('round " + round + "', 'survivor' in dir())");
                ws.sendText(after);
                ws.awaitMessage(r -> r.isReplyTo(after, "execute_reply"));
                ws.awaitMessage(r -> r.isIdleAfter(after));
                assertEquals("round " + round + " False\n", ws.stdoutOf(after));
            }
        }
    }

    // ---- a small Tyrus kernel client ---------------------------------------------------------------------------

    record Received(boolean binary, JsonNode json, List<byte[]> buffers) {
        String msgType() {
            return json.path("header").path("msg_type").asText();
        }

        boolean hasParent(JsonNode request) {
            return KernelMessages.msgId(request).equals(KernelMessages.parentId(json));
        }

        boolean isReplyTo(JsonNode request, String type) {
            return type.equals(msgType()) && hasParent(request);
        }

        boolean isIdleAfter(JsonNode request) {
            return "status".equals(msgType()) && hasParent(request)
                    && "idle".equals(json.path("content").path("execution_state").asText());
        }
    }

    static final class KernelSocket implements AutoCloseable {
        final String sessionId = UUID.randomUUID().toString();
        final List<Received> received = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        Session session;

        static KernelSocket connect(ClientManager tyrus, GatewayFixture gateway, String kernelId) throws Exception {
            KernelSocket socket = new KernelSocket();
            ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                    .configurator(new ClientEndpointConfig.Configurator() {
                        @Override
                        public void beforeRequest(Map<String, List<String>> headers) {
                            headers.put("Authorization", List.of("token " + TOKEN));
                        }
                    })
                    .build();
            URI uri = URI.create(gateway.wsUrl() + "/api/kernels/" + kernelId + "/channels?session_id="
                    + socket.sessionId);
            socket.session = tyrus.connectToServer(socket.endpoint(), config, uri);
            socket.session.setMaxBinaryMessageBufferSize(8 << 20);
            socket.session.setMaxTextMessageBufferSize(8 << 20);
            return socket;
        }

        private Endpoint endpoint() {
            return new Endpoint() {
                @Override
                public void onOpen(Session s, EndpointConfig config) {
                    s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text ->
                            received.add(new Received(false, KernelMessages.parse(text), List.of())));
                    s.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> {
                        KernelMessages.Binary b = KernelMessages.parseBinaryFrame(data);
                        received.add(new Received(true, b.json(), b.buffers()));
                    });
                }

                @Override
                public void onError(Session s, Throwable error) {
                    errors.add(error);
                }

                @Override
                public void onClose(Session s, CloseReason reason) {
                }
            };
        }

        void sendText(JsonNode msg) throws Exception {
            session.getBasicRemote().sendText(JSON.writeValueAsString(msg));
        }

        void sendBinary(ByteBuffer frame) throws Exception {
            session.getBasicRemote().sendBinary(frame);
        }

        Received awaitMessage(Predicate<Received> what) {
            try {
                await().atMost(WAIT).until(() -> {
                    if (!errors.isEmpty()) {
                        throw new AssertionError("WebSocket error", errors.get(0));
                    }
                    return received.stream().anyMatch(what);
                });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("the expected message did not arrive within " + WAIT + "; received: "
                        + received.stream().map(r -> r.msgType() + "(" + r.json.path("parent_header")
                                .path("msg_type").asText() + ")").collect(Collectors.joining(", ")), e);
            }
            return received.stream().filter(what).findFirst().orElseThrow();
        }

        String stdoutOf(JsonNode request) {
            return received.stream()
                    .filter(r -> "stream".equals(r.msgType()) && r.hasParent(request)
                            && "stdout".equals(r.json.path("content").path("name").asText()))
                    .map(r -> r.json.path("content").path("text").asText())
                    .collect(Collectors.joining());
        }

        @Override
        public void close() throws Exception {
            if (session != null && session.isOpen()) {
                session.close();
            }
        }
    }
}
