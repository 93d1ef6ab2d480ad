package dev.kernelgate.notebooks.conformance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** One Jupyter message as a WebSocket client sees it. */
record KernelMessage(String channel, ObjectNode header, ObjectNode parentHeader, ObjectNode metadata,
                     ObjectNode content, List<byte[]> buffers) {

    String msgType() {
        return header.path("msg_type").asText();
    }

    String msgId() {
        return header.path("msg_id").asText();
    }

    /** The msg_id of the request this message belongs to, or null. */
    String parentMsgId() {
        return parentHeader.hasNonNull("msg_id") ? parentHeader.get("msg_id").asText() : null;
    }

    @Override
    public String toString() {
        String text = channel + " " + msgType() + " " + content;
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
