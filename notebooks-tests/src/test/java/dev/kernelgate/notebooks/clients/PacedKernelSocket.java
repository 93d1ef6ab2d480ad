package dev.kernelgate.notebooks.clients;

import static dev.kernelgate.notebooks.clients.KernelMessages.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A kernel WebSocket on java.net.http that collects every message (legacy text or v1) and, given a rate, takes the
 * next frame from the connection only when the bytes received so far fit that rate: the JDK client then stops
 * reading the socket, so the gateway sees a consumer slower than the kernel. Every wait has a bound.
 */
final class PacedKernelSocket implements WebSocket.Listener, AutoCloseable {
    static final String V1 = "v1.kernel.websocket.jupyter.org";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String session;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    /** Completes with the server's close code, or exceptionally when the connection fails. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final boolean v1;
    private final int bytesPerSecond;
    private final ScheduledExecutorService pacer;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final long start = System.nanoTime();
    private long bytes;
    private WebSocket ws;

    private PacedKernelSocket(String session, boolean v1, int bytesPerSecond, ScheduledExecutorService pacer) {
        this.session = session;
        this.v1 = v1;
        this.bytesPerSecond = bytesPerSecond;
        this.pacer = pacer;
    }

    /** A socket reading as fast as it can. */
    static PacedKernelSocket connect(String wsUrl, String token, String kernelId, String session, boolean v1)
            throws Exception {
        return connect(wsUrl, token, kernelId, session, v1, 0, null);
    }

    /** A socket reading at most {@code bytesPerSecond} (0: unpaced), its waits scheduled on {@code pacer}. */
    static PacedKernelSocket connect(String wsUrl, String token, String kernelId, String session, boolean v1,
            int bytesPerSecond, ScheduledExecutorService pacer) throws Exception {
        PacedKernelSocket socket = new PacedKernelSocket(session, v1, bytesPerSecond, pacer);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().header("Authorization", "token " + token)
                .connectTimeout(Duration.ofSeconds(30));
        if (v1) {
            builder.subprotocols(V1);
        }
        socket.ws = builder.buildAsync(URI.create(wsUrl + "/api/kernels/" + kernelId + "/channels?session_id="
                + session), socket).get(60, TimeUnit.SECONDS);
        String negotiated = socket.ws.getSubprotocol();
        if (!(v1 ? V1 : "").equals(negotiated)) {
            socket.ws.abort();
            throw new IllegalStateException("negotiated subprotocol '" + negotiated + "', v1 offered: " + v1);
        }
        return socket;
    }

    void send(JsonNode msg) throws Exception {
        if (v1) {
            ws.sendBinary(KernelMessages.v1Frame(msg), true).get(10, TimeUnit.SECONDS);
        } else {
            ws.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        }
    }

    /** A clean close: keeps receiving until the server's close frame, so nothing in flight is lost. */
    void closeAndAwait() throws Exception {
        if (!closed.isDone()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "leaving").get(10, TimeUnit.SECONDS);
        }
        closed.get(30, TimeUnit.SECONDS);
    }

    /** Drops the TCP connection without a close handshake. */
    void abort() {
        ws.abort();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            received.add(KernelMessages.parse(text.toString()));
            text.setLength(0);
        }
        next(webSocket, data.toString().getBytes(StandardCharsets.UTF_8).length);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        int n = data.remaining();
        byte[] chunk = new byte[n];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (last) {
            ByteBuffer frame = ByteBuffer.wrap(binary.toByteArray());
            received.add((v1 ? KernelMessages.parseV1Frame(frame) : KernelMessages.parseBinaryFrame(frame)).json());
            binary.reset();
        }
        next(webSocket, n);
        return null;
    }

    /** Asks for the next frame once the bytes so far fit the rate (rate limiting, not synchronisation). */
    private void next(WebSocket webSocket, int n) {
        bytes += n;
        long due = bytesPerSecond <= 0 ? 0
                : start + TimeUnit.SECONDS.toNanos(bytes) / bytesPerSecond - System.nanoTime();
        if (due <= 0) {
            webSocket.request(1);
        } else {
            pacer.schedule(() -> webSocket.request(1), due, TimeUnit.NANOSECONDS);
        }
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

    /** The stdout text of the request's stream messages, in arrival order. */
    String stdoutOf(JsonNode request) {
        String id = KernelMessages.msgId(request);
        StringBuilder out = new StringBuilder();
        for (JsonNode m : received) {
            if ("stream".equals(type(m)) && id.equals(KernelMessages.parentId(m))
                    && "stdout".equals(m.path("content").path("name").asText())) {
                out.append(m.path("content").path("text").asText());
            }
        }
        return out.toString();
    }

    boolean idleAfter(JsonNode request) {
        String id = KernelMessages.msgId(request);
        return received.stream().anyMatch(m -> "status".equals(type(m)) && id.equals(KernelMessages.parentId(m))
                && "idle".equals(m.path("content").path("execution_state").asText()));
    }

    JsonNode replyTo(JsonNode request) {
        String id = KernelMessages.msgId(request);
        String reply = type(request).replace("_request", "_reply");
        return received.stream().filter(m -> reply.equals(type(m)) && id.equals(KernelMessages.parentId(m)))
                .findFirst().orElse(null);
    }

    /** Whether a kernel status (any parent) with one of these execution states arrived. */
    boolean sawStatus(String... states) {
        return received.stream().anyMatch(m -> "status".equals(type(m))
                && List.of(states).contains(m.path("content").path("execution_state").asText()));
    }

    static String type(JsonNode m) {
        return m.path("header").path("msg_type").asText();
    }

    @Override
    public void close() throws Exception {
        if (!closed.isDone()) {
            try {
                closeAndAwait();
            } catch (Exception e) {
                ws.abort();
            }
        }
    }
}
