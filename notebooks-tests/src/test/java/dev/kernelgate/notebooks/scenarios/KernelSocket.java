package dev.kernelgate.notebooks.scenarios;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * A client of {@code /api/kernels/{id}/channels} on the JDK WebSocket: keeps every message it receives (text frames
 * parsed as JSON, binary frames as bytes) and how the connection ended, and speaks just enough of the Jupyter
 * protocol for the scenarios (kernel_info, execute with its stdout).
 */
final class KernelSocket implements WebSocket.Listener {
    /** How the server ended the connection: a close frame's code and reason, or an error (code -1). */
    record Close(int code, String reason, Throwable error) {
    }

    /** What one execute_request produced. */
    record Execution(String msgId, String stdout, JsonNode reply) {
        String status() {
            return reply.path("content").path("status").asText();
        }
    }

    private final String session = UUID.randomUUID().toString();
    private final List<JsonNode> messages = new ArrayList<>();
    private final List<byte[]> binaries = new ArrayList<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
    private volatile WebSocket ws;

    private KernelSocket() {
    }

    static CompletableFuture<KernelSocket> open(WebSocket.Builder builder, URI uri) {
        KernelSocket socket = new KernelSocket();
        return builder.buildAsync(uri, socket).thenApply(ws -> {
            socket.ws = ws;
            return socket;
        });
    }

    WebSocket ws() {
        return ws;
    }

    String subprotocol() {
        return ws.getSubprotocol();
    }

    // ---- listener ------------------------------------------------------------------------------------------------

    @Override
    public void onOpen(WebSocket webSocket) {
        this.ws = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            JsonNode message = ScenarioGateway.json(text.toString());
            text.setLength(0);
            synchronized (messages) {
                messages.add(message);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            synchronized (binaries) {
                binaries.add(binary.toByteArray());
            }
            binary = new java.io.ByteArrayOutputStream();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason, null));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(-1, "", error));
    }

    // ---- sending -------------------------------------------------------------------------------------------------

    void sendText(String data) {
        ScenarioGateway.await(ws.sendText(data, true));
    }

    void sendBinary(byte[] data) {
        ScenarioGateway.await(ws.sendBinary(ByteBuffer.wrap(data), true));
    }

    /** A legacy-protocol message (top-level {@code channel}) with this socket's session; returns it. */
    ObjectNode message(String channel, String msgType, JsonNode content) {
        ObjectNode msg = ScenarioGateway.JSON.createObjectNode();
        ObjectNode header = msg.putObject("header");
        header.put("msg_id", UUID.randomUUID().toString());
        header.put("username", "scenario");
        header.put("session", session);
        header.put("msg_type", msgType);
        header.put("version", "5.3");
        header.put("date", Instant.now().toString());
        msg.putObject("parent_header");
        msg.putObject("metadata");
        msg.set("content", content);
        msg.putArray("buffers");
        msg.put("channel", channel);
        return msg;
    }

    /** Sends a message and returns its msg_id. */
    String send(ObjectNode message) {
        sendText(message.toString());
        return message.path("header").path("msg_id").asText();
    }

    String sendKernelInfoRequest() {
        return send(message("shell", "kernel_info_request", ScenarioGateway.JSON.createObjectNode()));
    }

    String sendExecute(String code) {
        ObjectNode content = ScenarioGateway.JSON.createObjectNode();
        content.put("code", code);
        content.put("silent", false);
        content.put("store_history", false);
        content.putObject("user_expressions");
        content.put("allow_stdin", false);
        content.put("stop_on_error", true);
        return send(message("shell", "execute_request", content));
    }

    // ---- receiving -----------------------------------------------------------------------------------------------

    List<JsonNode> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    List<byte[]> binaries() {
        synchronized (binaries) {
            return List.copyOf(binaries);
        }
    }

    Optional<JsonNode> find(Predicate<JsonNode> test) {
        synchronized (messages) {
            return messages.stream().filter(test).findFirst();
        }
    }

    JsonNode awaitMessage(Predicate<JsonNode> test, Duration timeout) {
        try {
            return await().atMost(timeout).pollInterval(Duration.ofMillis(10))
                    .until(() -> find(test), Optional::isPresent).orElseThrow();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no matching message within " + timeout + "; received " + messages().size()
                    + ", open " + !closed.isDone() + "; threads:\n" + ScenarioGateway.threadDump(), e);
        }
    }

    JsonNode awaitMessage(Predicate<JsonNode> test) {
        return awaitMessage(test, ScenarioGateway.TIMEOUT);
    }

    static Predicate<JsonNode> reply(String msgId, String msgType) {
        return m -> msgType.equals(m.path("msg_type").asText())
                && msgId.equals(m.path("parent_header").path("msg_id").asText());
    }

    static Predicate<JsonNode> idle(String msgId) {
        return m -> "status".equals(m.path("msg_type").asText())
                && "idle".equals(m.path("content").path("execution_state").asText())
                && msgId.equals(m.path("parent_header").path("msg_id").asText());
    }

    boolean hasReply(String msgId) {
        return find(reply(msgId, "execute_reply")).isPresent();
    }

    /** Everything the kernel printed to stdout for a request so far, in order. */
    String stdout(String msgId) {
        StringBuilder out = new StringBuilder();
        for (JsonNode m : messages()) {
            if ("stream".equals(m.path("msg_type").asText())
                    && msgId.equals(m.path("parent_header").path("msg_id").asText())
                    && "stdout".equals(m.path("content").path("name").asText())) {
                out.append(m.path("content").path("text").asText());
            }
        }
        return out.toString();
    }

    /** Waits for the execute_reply and the idle status of a request. */
    Execution awaitExecution(String msgId, Duration timeout) {
        JsonNode reply = awaitMessage(reply(msgId, "execute_reply"), timeout);
        awaitMessage(idle(msgId), timeout);
        return new Execution(msgId, stdout(msgId), reply);
    }

    Execution execute(String code) {
        return awaitExecution(sendExecute(code), ScenarioGateway.TIMEOUT);
    }

    JsonNode kernelInfo() {
        return awaitMessage(reply(sendKernelInfoRequest(), "kernel_info_reply"));
    }

    CompletableFuture<Close> closed() {
        return closed;
    }

    Close awaitClose() {
        return ScenarioGateway.await(closed);
    }

    boolean isOpen() {
        return !closed.isDone() && ws != null && !ws.isInputClosed();
    }

    void close() {
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    void abort() {
        if (ws != null) {
            ws.abort();
        }
    }
}
