package dev.kernelgate.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A parsed message: the convenient form for code that reads or builds content. */
public record Message(Header header, ObjectNode parentHeader, ObjectNode metadata, ObjectNode content,
                      List<byte[]> buffers) {

    public Message {
        parentHeader = parentHeader == null ? Json.object() : parentHeader;
        metadata = metadata == null ? Json.object() : metadata;
        content = content == null ? Json.object() : content;
        buffers = buffers == null ? List.of() : buffers;
    }

    public String msgType() {
        return header.msgType();
    }

    public String parentMsgId() {
        JsonNode id = parentHeader.get("msg_id");
        return id == null || id.isNull() ? null : id.asText();
    }

    public WireMessage toWire() {
        return new WireMessage(Json.bytes(header.toJson()), Json.bytes(parentHeader), Json.bytes(metadata),
                Json.bytes(content), buffers);
    }

    public static Message fromWire(WireMessage wire) throws MalformedMessageException {
        ObjectNode header = Json.parseObject(wire.header(), "header");
        return new Message(Header.fromJson(header), Json.parseObject(wire.parentHeader(), "parent_header"),
                Json.parseObject(wire.metadata(), "metadata"), Json.parseObject(wire.content(), "content"),
                wire.buffers());
    }
}
