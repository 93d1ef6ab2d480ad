package dev.kernelgate.notebooks.javakernel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Json;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects every legacy-protocol text message a kernels WebSocket receives, reassembling fragments. */
final class JsonTextListener implements WebSocket.Listener {
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            try {
                received.add(Json.MAPPER.readTree(text.toString()));
            } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + text, e);
            }
            text.setLength(0);
        }
        socket.request(1);
        return null;
    }
}
