package dev.kernelgate.execd.pty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A terminal client on the JDK's WebSocket: records every frame the server sends. */
final class TerminalClient implements WebSocket.Listener, AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A whole binary message: its channel byte and payload. */
    record Binary(byte channel, byte[] payload) {
    }

    /** The close the server sent. */
    record Close(int code, String reason) {
    }

    private final List<Binary> binaries = new ArrayList<>();
    private final List<JsonNode> texts = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
    private final ByteArrayOutputStream partialBinary = new ByteArrayOutputStream();
    private final StringBuilder partialText = new StringBuilder();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final Object sendLock = new Object();
    private boolean paused;
    private boolean requestOwed;
    private WebSocket socket;

    static TerminalClient connect(HttpClient http, URI uri, String token) {
        TerminalClient client = new TerminalClient();
        http.newWebSocketBuilder().header("X-EXECD-ACCESS-TOKEN", token).connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, client).orTimeout(20, TimeUnit.SECONDS).join();
        return client;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        synchronized (this) {
            socket = webSocket;
        }
        webSocket.request(1);
    }

    @Override
    public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        partialBinary.writeBytes(bytes);
        if (last) {
            byte[] message = partialBinary.toByteArray();
            partialBinary.reset();
            Binary binary = new Binary(message[0], Arrays.copyOfRange(message, 1, message.length));
            binaries.add(binary);
            if (binary.channel() == 0x01) {
                output.writeBytes(binary.payload());
            } else if (binary.channel() == 0x03) {
                output.write(binary.payload(), 8, binary.payload().length - 8);
            } else if (binary.channel() == 0x02) {
                errors.writeBytes(binary.payload());
            }
        }
        next(webSocket);
        return null;
    }

    @Override
    public synchronized CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partialText.append(data);
        if (last) {
            try {
                texts.add(JSON.readTree(partialText.toString()));
            } catch (Exception e) {
                throw new AssertionError("the server sent a text frame that is not JSON: " + partialText, e);
            }
            partialText.setLength(0);
        }
        next(webSocket);
        return null;
    }

    /** Asks for the next message, unless paused. */
    private void next(WebSocket webSocket) {
        if (paused) {
            requestOwed = true;
        } else {
            webSocket.request(1);
        }
    }

    /** Stops reading: the server's frames wait in the TCP buffers, as from a client that cannot keep up. */
    synchronized void pause() {
        paused = true;
    }

    synchronized void resume() {
        paused = false;
        if (requestOwed) {
            requestOwed = false;
            socket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(-1, String.valueOf(error)));
    }

    /** Output so far, replayed (0x03, less its offset) and live (0x01), as text. */
    synchronized String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    /** The last {@code n} bytes of live output, as text. */
    synchronized String tail(int n) {
        byte[] all = output.toByteArray();
        return new String(all, Math.max(0, all.length - n), Math.min(n, all.length), StandardCharsets.UTF_8);
    }

    /** Stderr output (channel 0x02, pipe mode) so far. */
    synchronized String errors() {
        return errors.toString(StandardCharsets.UTF_8);
    }

    synchronized byte[] outputBytes() {
        return output.toByteArray();
    }

    synchronized List<Binary> binaries() {
        return List.copyOf(binaries);
    }

    synchronized List<JsonNode> texts() {
        return List.copyOf(texts);
    }

    /** Text frames of {@code type}. */
    synchronized List<JsonNode> texts(String type) {
        return texts.stream().filter(t -> type.equals(t.path("type").asText())).toList();
    }

    void type(String keys) {
        stdin(keys.getBytes(StandardCharsets.UTF_8));
    }

    void stdin(byte[] bytes) {
        ByteBuffer frame = ByteBuffer.allocate(bytes.length + 1).put((byte) 0).put(bytes).flip();
        sendBinary(frame);
    }

    void sendBinary(ByteBuffer frame) {
        synchronized (sendLock) {
            socket().sendBinary(frame, true).join();
        }
    }

    void sendText(String text) {
        synchronized (sendLock) {
            socket().sendText(text, true).join();
        }
    }

    private synchronized WebSocket socket() {
        return socket;
    }

    @Override
    public void close() {
        WebSocket s;
        synchronized (this) {
            s = socket;
        }
        if (s != null && !s.isOutputClosed()) {
            s.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
    }
}
