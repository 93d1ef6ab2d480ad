package dev.kernelgate.execd.pty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.http.WebSocketListener;
import dev.kernelgate.http.WebSocketSession;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One client of a terminal: its frames to the {@link PtySession}. Binary {@code 0x00}+bytes and text
 * {@code {"type":"stdin","data"}} feed stdin; text frames {@code resize}, {@code signal} and {@code ping} do what they
 * say. A frame that cannot be understood gets an {@code error} frame ({@code INVALID_FRAME}) and the socket stays.
 */
final class PtySocket implements WebSocketListener {
    /** The signals a client may send, as upstream names them. */
    private static final Map<String, Integer> SIGNALS =
            Map.of("SIGHUP", 1, "SIGINT", 2, "SIGQUIT", 3, "SIGKILL", 9, "SIGTERM", 15);
    private static final int MAX_DIMENSION = 0xFFFF;

    private final PtySession session;
    private final long since;
    private final boolean takeover;
    private final ObjectMapper json;

    PtySocket(PtySession session, long since, boolean takeover, ObjectMapper json) {
        this.session = session;
        this.since = since;
        this.takeover = takeover;
        this.json = json;
    }

    /** A socket for a shell that could not start: the reason, then a close. */
    static WebSocketListener failedStart(String reason) {
        return new WebSocketListener() {
            @Override
            public void onOpen(WebSocketSession s) {
                s.sendText(PtyFrames.error(PtyFrames.START_FAILED, String.valueOf(reason)));
                s.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), PtyFrames.START_FAILED);
            }
        };
    }

    @Override
    public void onOpen(WebSocketSession s) {
        session.attach(s, since, takeover);
    }

    @Override
    public void onClose(WebSocketSession s, int code, String reason) {
        session.detach(s);
    }

    @Override
    public void onWritabilityChanged(WebSocketSession s, boolean writable) {
        if (writable) {
            session.writabilityChanged();
        }
    }

    @Override
    public void onBinary(WebSocketSession s, ByteBuf data) {
        if (!data.isReadable()) {
            invalid(s, "empty binary frame");
            return;
        }
        byte channel = data.readByte();
        if (channel != PtyFrames.STDIN) {
            invalid(s, String.format("binary frames from clients carry stdin (0x00), got 0x%02x", channel));
            return;
        }
        byte[] bytes = new byte[data.readableBytes()];
        data.readBytes(bytes);
        stdin(s, bytes);
    }

    @Override
    public void onText(WebSocketSession s, String text) {
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (IOException e) {
            invalid(s, "text frames must be JSON objects: " + e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        if (frame == null || !frame.isObject()) {
            invalid(s, "text frames must be JSON objects");
            return;
        }
        String type = frame.path("type").asText("");
        switch (type) {
            case "stdin" -> {
                JsonNode data = frame.path("data");
                if (!data.isMissingNode() && !data.isTextual()) {
                    invalid(s, "stdin data must be a string");
                } else {
                    stdin(s, data.asText("").getBytes(StandardCharsets.UTF_8));
                }
            }
            case "resize" -> resize(s, frame);
            case "signal" -> signal(s, frame);
            case "ping" -> s.sendText(PtyFrames.pong());
            default -> invalid(s, "unknown frame type \"" + type + "\"");
        }
    }

    private void stdin(WebSocketSession s, byte[] bytes) {
        String failure = session.writeStdin(bytes);
        if (failure != null) {
            s.sendText(PtyFrames.error(PtyFrames.STDIN_WRITE_FAILED, failure));
        }
    }

    private void resize(WebSocketSession s, JsonNode frame) {
        JsonNode cols = frame.path("cols");
        JsonNode rows = frame.path("rows");
        if (!dimension(cols) || !dimension(rows)) {
            invalid(s, "resize needs integer cols and rows from 1 to " + MAX_DIMENSION);
            return;
        }
        try {
            session.resize(cols.intValue(), rows.intValue());
        } catch (IOException e) {
            s.sendText(PtyFrames.error(PtyFrames.RUNTIME_ERROR, "resize failed: " + e.getMessage()));
        }
    }

    private static boolean dimension(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToInt() && node.intValue() > 0
                && node.intValue() <= MAX_DIMENSION;
    }

    private void signal(WebSocketSession s, JsonNode frame) {
        Integer number = SIGNALS.get(frame.path("signal").asText(""));
        if (number == null) {
            invalid(s, "unknown signal \"" + frame.path("signal").asText("") + "\"; one of " + SIGNALS.keySet());
            return;
        }
        session.signal(number);
    }

    private static void invalid(WebSocketSession s, String message) {
        s.sendText(PtyFrames.error(PtyFrames.INVALID_FRAME, message));
    }
}
