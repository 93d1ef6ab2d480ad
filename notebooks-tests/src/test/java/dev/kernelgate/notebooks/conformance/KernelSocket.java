package dev.kernelgate.notebooks.conformance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A kernels channels WebSocket client on {@code java.net.http.WebSocket}: one session id, one framing, an inbox
 * of decoded messages in arrival order. Frames that break the protocol are kept in {@link #violations()}.
 */
final class KernelSocket implements AutoCloseable {
    private static final Object CLOSED = new Object();

    private final Framing framing;
    private final String session = UUID.randomUUID().toString();
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private WebSocket ws;

    private KernelSocket(Framing framing) {
        this.framing = framing;
    }

    static KernelSocket open(HttpClient http, String wsBase, String kernelId, String token, Framing framing,
                             Duration timeout) throws Exception {
        KernelSocket socket = new KernelSocket(framing);
        URI uri = URI.create(wsBase + "/api/kernels/" + kernelId + "/channels?session_id=" + socket.session);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout)
                .header("Authorization", "token " + token);
        if (framing.subprotocol != null) {
            builder.subprotocols(framing.subprotocol);
        }
        socket.ws = builder.buildAsync(uri, socket.new Listener()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String selected = socket.ws.getSubprotocol();
        String wanted = framing.subprotocol == null ? "" : framing.subprotocol;
        if (!wanted.equals(selected)) {
            socket.ws.abort();
            throw new AssertionError("offered subprotocol '" + wanted + "', gateway selected '" + selected + "'");
        }
        return socket;
    }

    /** A shell request from this client's session. */
    KernelMessage request(String msgType, ObjectNode content) {
        ObjectNode header = Notebook.MAPPER.createObjectNode()
                .put("msg_id", UUID.randomUUID().toString().replace("-", ""))
                .put("session", session)
                .put("username", "kernelgate-conformance")
                .put("date", Instant.now().toString())
                .put("msg_type", msgType)
                .put("version", "5.3");
        return new KernelMessage("shell", header, Notebook.MAPPER.createObjectNode(),
                Notebook.MAPPER.createObjectNode(), content, List.of());
    }

    synchronized void send(KernelMessage message) throws Exception {
        Framing.Frame frame = framing.encode(message);
        var sent = frame.binary()
                ? ws.sendBinary(ByteBuffer.wrap(frame.data()), true)
                : ws.sendText(new String(frame.data(), StandardCharsets.UTF_8), true);
        sent.get(10, TimeUnit.SECONDS);
    }

    /** The next message, or null when none arrives within {@code timeout}. */
    KernelMessage next(Duration timeout) throws InterruptedException, IOException {
        Object item = inbox.poll(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        if (item == CLOSED) {
            inbox.add(CLOSED);
            throw new IOException("the gateway closed the WebSocket");
        }
        if (item instanceof Throwable error) {
            throw new IOException("WebSocket error", error);
        }
        return (KernelMessage) item;
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        if (ws == null) {
            return;
        }
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                accept(false, text.toString().getBytes(StandardCharsets.UTF_8));
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
                accept(true, binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        private void accept(boolean isBinary, byte[] data) {
            try {
                inbox.add(framing.decode(isBinary, data));
            } catch (Framing.ProtocolViolation e) {
                violations.add(e.getMessage());
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            inbox.add(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            inbox.add(error);
        }
    }
}
