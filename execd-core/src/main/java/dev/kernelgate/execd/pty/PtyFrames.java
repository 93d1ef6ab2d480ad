package dev.kernelgate.execd.pty;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;

/**
 * The terminal WebSocket's frames, as upstream execd speaks them ({@code model/pty_ws.go}). Binary frames start with
 * a channel byte; JSON text frames carry a {@code type}.
 */
final class PtyFrames {
    /** Client → server: the rest of the frame is stdin. */
    static final byte STDIN = 0x00;
    /** Server → client: terminal output. */
    static final byte STDOUT = 0x01;
    /** Server → client: stderr output, pipe mode only. */
    static final byte STDERR = 0x02;
    /** Server → client: an 8-byte big-endian offset, then the output retained from that offset on. */
    static final byte REPLAY = 0x03;

    /** Close code for a socket another client took the session from ({@code ?takeover=1}). */
    static final int CLOSE_TAKEN_OVER = 4001;

    static final String SESSION_GONE = "SESSION_GONE";
    static final String START_FAILED = "START_FAILED";
    static final String STDIN_WRITE_FAILED = "STDIN_WRITE_FAILED";
    static final String INVALID_FRAME = "INVALID_FRAME";
    static final String ALREADY_CONNECTED = "ALREADY_CONNECTED";
    static final String TAKEN_OVER = "TAKEN_OVER";
    static final String RUNTIME_ERROR = "RUNTIME_ERROR";

    private PtyFrames() {
    }

    static byte[] output(byte channel, byte[] data, int length) {
        byte[] frame = new byte[length + 1];
        frame[0] = channel;
        System.arraycopy(data, 0, frame, 1, length);
        return frame;
    }

    static byte[] replay(long offset, byte[] bytes) {
        return ByteBuffer.allocate(9 + bytes.length).put(REPLAY).putLong(offset).put(bytes).array();
    }

    static String connected(String sessionId, boolean terminal) {
        return typed("connected").put("session_id", sessionId).put("mode", terminal ? "pty" : "pipe").toString();
    }

    static String pong() {
        return typed("pong").toString();
    }

    static String exit(int exitCode) {
        return typed("exit").put("exit_code", exitCode).toString();
    }

    static String error(String code, String message) {
        return typed("error").put("error", message).put("code", code).toString();
    }

    private static ObjectNode typed(String type) {
        return JsonNodeFactory.instance.objectNode().put("type", type);
    }
}
