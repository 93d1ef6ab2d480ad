package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Channel;
import java.util.List;

/**
 * A request received from a client.
 *
 * @param channel      where it arrived (replies go back there)
 * @param identities   the ROUTER routing ids of the sender (also used to address its stdin socket)
 * @param rawHeader    the request's header exactly as received: replies and side effects carry it as parent_header
 * @param msgType      header {@code msg_type}
 * @param content      parsed content
 * @param receivedNanos {@link System#nanoTime()} at arrival (for stop_on_error aborts)
 */
record Request(Channel channel, List<byte[]> identities, byte[] rawHeader, String msgType, ObjectNode content,
               long receivedNanos) {

    String text(String field, String fallback) {
        JsonNode value = content.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    boolean flag(String field, boolean fallback) {
        JsonNode value = content.get(field);
        return value == null || value.isNull() ? fallback : value.asBoolean(fallback);
    }

    int integer(String field, int fallback) {
        JsonNode value = content.get(field);
        return value == null || !value.canConvertToInt() ? fallback : value.asInt();
    }
}
