package dev.kernelgate.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A Jupyter message header (protocol 5.3). */
public record Header(String msgId, String session, String username, String date, String msgType, String version) {
    public static final String PROTOCOL_VERSION = "5.3";

    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** ISO-8601 UTC with exactly six fractional digits and {@code Z}, as Jupyter clients parse it. */
    public static String timestamp(Instant instant) {
        return MICROS.format(instant);
    }

    public static String now() {
        return timestamp(Instant.now());
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("msg_id", msgId);
        node.put("session", session);
        node.put("username", username);
        node.put("date", date);
        node.put("msg_type", msgType);
        node.put("version", version);
        return node;
    }

    /** Reads the standard fields; absent ones are null (callers that require them check). */
    public static Header fromJson(JsonNode node) {
        return new Header(text(node, "msg_id"), text(node, "session"), text(node, "username"),
                text(node, "date"), text(node, "msg_type"), text(node, "version"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
