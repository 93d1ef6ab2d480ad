package dev.kernelgate.wire;

import java.nio.charset.StandardCharsets;

/** One WebSocket data frame's payload: UTF-8 text or binary. */
public record WsFrame(boolean binary, byte[] data) {
    public static WsFrame text(String text) {
        return new WsFrame(false, text.getBytes(StandardCharsets.UTF_8));
    }

    public static WsFrame binary(byte[] data) {
        return new WsFrame(true, data);
    }

    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }
}
