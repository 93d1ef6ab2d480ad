package dev.kernelgate.wire;

/** Converts between kernel messages and WebSocket frames for one protocol of the kernels channels socket. */
public interface WsFraming {
    /** The Sec-WebSocket-Protocol value that selects this framing, or null for the legacy (default) protocol. */
    String subprotocol();

    WsFrame encode(ChannelMessage message);

    ChannelMessage decode(WsFrame frame) throws MalformedMessageException;
}
