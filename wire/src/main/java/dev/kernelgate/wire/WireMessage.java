package dev.kernelgate.wire;

import java.util.List;

/**
 * A message as it travels: the four JSON parts kept as the exact bytes that are signed, plus routing
 * identities (ROUTER side) or topic frames (IOPub) and unsigned binary buffers. Parse only what is needed.
 */
public record WireMessage(List<byte[]> identities, byte[] header, byte[] parentHeader, byte[] metadata,
                          byte[] content, List<byte[]> buffers) {

    public WireMessage {
        identities = identities == null ? List.of() : identities;
        buffers = buffers == null ? List.of() : buffers;
    }

    public WireMessage(byte[] header, byte[] parentHeader, byte[] metadata, byte[] content, List<byte[]> buffers) {
        this(List.of(), header, parentHeader, metadata, content, buffers);
    }

    public String msgType() {
        return Json.peekString(header, "msg_type");
    }

    public String msgId() {
        return Json.peekString(header, "msg_id");
    }

    /** The msg_id of the request this message answers, or null for an unparented message. */
    public String parentMsgId() {
        return Json.peekString(parentHeader, "msg_id");
    }

    public WireMessage withIdentities(List<byte[]> ids) {
        return new WireMessage(ids, header, parentHeader, metadata, content, buffers);
    }
}
