package dev.kernelgate.wire;

/** Picks the framing of a channels WebSocket from its negotiated subprotocol. */
public final class WsFramings {
    private WsFramings() {
    }

    /** {@link V1Framing} for its subprotocol; {@link LegacyFraming} for none or any other. */
    public static WsFraming forSubprotocol(String subprotocol) {
        return V1Framing.SUBPROTOCOL.equals(subprotocol) ? new V1Framing() : new LegacyFraming();
    }
}
