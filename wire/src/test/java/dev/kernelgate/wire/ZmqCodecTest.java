package dev.kernelgate.wire;

import static dev.kernelgate.wire.SignerTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZmqCodecTest {
    private final Signer signer = Signer.create("hmac-sha256", "secret-key");

    private static WireMessage sample(List<byte[]> buffers) {
        Message m = new MessageFactory("sess", "user").request("execute_request",
                MessageFactory.executeContent("1+1", false, true, false, true));
        WireMessage wire = m.toWire();
        return new WireMessage(List.of(b("id-1"), b("id-2")), wire.header(), wire.parentHeader(), wire.metadata(),
                wire.content(), buffers);
    }

    @Test
    void roundTripKeepsIdentitiesPartsAndBuffers() throws Exception {
        WireMessage original = sample(List.of(new byte[] {0, 1, 2}, new byte[0]));
        List<byte[]> frames = ZmqCodec.encode(original, signer);
        assertEquals(2 + 1 + 1 + 4 + 2, frames.size());
        assertArrayEquals(ZmqCodec.DELIMITER, frames.get(2));
        WireMessage decoded = ZmqCodec.decode(frames, signer, new SignatureHistory());
        assertEquals(2, decoded.identities().size());
        assertArrayEquals(b("id-2"), decoded.identities().get(1));
        assertArrayEquals(original.header(), decoded.header());
        assertArrayEquals(original.content(), decoded.content());
        assertEquals(2, decoded.buffers().size());
        assertArrayEquals(new byte[] {0, 1, 2}, decoded.buffers().get(0));
        assertEquals("execute_request", decoded.msgType());
    }

    @Test
    void decodesTheCapturedIpykernelReply() throws Exception {
        SignerTest.CapturedMessage m = SignerTest.captured();
        WireMessage decoded = ZmqCodec.decode(m.frames(), Signer.create(m.scheme(), m.key()), new SignatureHistory());
        assertEquals("kernel_info_reply", decoded.msgType());
        assertTrue(decoded.parentMsgId().endsWith("_1"));
        Message parsed = Message.fromWire(decoded);
        assertEquals("5.3", parsed.content().get("protocol_version").asText());
    }

    @Test
    void buffersAreNotSigned() throws Exception {
        List<byte[]> frames = new ArrayList<>(ZmqCodec.encode(sample(List.of(b("buf"))), signer));
        frames.set(frames.size() - 1, b("changed"));
        assertArrayEquals(b("changed"), ZmqCodec.decode(frames, signer, null).buffers().get(0));
    }

    @Test
    void malformedFramesAreTypedErrors() {
        assertThrows(MalformedMessageException.class,
                () -> ZmqCodec.decode(List.of(b("a"), b("b")), signer, null));
        List<byte[]> shortMessage = List.of(ZmqCodec.DELIMITER, b("sig"), b("{}"), b("{}"));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> ZmqCodec.decode(shortMessage, signer, null));
        assertTrue(e.getMessage().contains("4 JSON parts"), e.getMessage());
        assertThrows(MalformedMessageException.class,
                () -> Message.fromWire(new WireMessage(b("not json"), b("{}"), b("{}"), b("{}"), List.of())));
        assertThrows(MalformedMessageException.class,
                () -> Message.fromWire(new WireMessage(b("[1]"), b("{}"), b("{}"), b("{}"), List.of())));
    }

    @Test
    void wrongMissingAndReplayedSignaturesAreRefused() throws Exception {
        List<byte[]> frames = new ArrayList<>(ZmqCodec.encode(sample(List.of()), signer));
        SignatureHistory history = new SignatureHistory();
        ZmqCodec.decode(frames, signer, history);
        SignatureException replay = assertThrows(SignatureException.class,
                () -> ZmqCodec.decode(frames, signer, history));
        assertEquals(SignatureException.Kind.DUPLICATE, replay.kind());

        List<byte[]> forged = new ArrayList<>(frames);
        forged.set(3, b("0".repeat(64)));
        assertEquals(SignatureException.Kind.INVALID, assertThrows(SignatureException.class,
                () -> ZmqCodec.decode(forged, signer, new SignatureHistory())).kind());
        List<byte[]> unsigned = new ArrayList<>(frames);
        unsigned.set(3, new byte[0]);
        assertEquals(SignatureException.Kind.MISSING, assertThrows(SignatureException.class,
                () -> ZmqCodec.decode(unsigned, signer, new SignatureHistory())).kind());
    }

    @Test
    void aForgedMessageDoesNotPoisonTheHistory() throws Exception {
        List<byte[]> frames = ZmqCodec.encode(sample(List.of()), signer);
        List<byte[]> forged = new ArrayList<>(frames);
        forged.set(7, b("{\"code\":\"evil\"}"));
        SignatureHistory history = new SignatureHistory();
        assertThrows(SignatureException.class, () -> ZmqCodec.decode(forged, signer, history));
        assertEquals(0, history.size());
        ZmqCodec.decode(frames, signer, history);
    }

    @Test
    void historyIsBounded() {
        SignatureHistory history = new SignatureHistory(3);
        for (int i = 0; i < 10; i++) {
            assertTrue(history.add(b("sig" + i)));
        }
        assertEquals(3, history.size());
        assertTrue(history.add(b("sig0")), "the oldest entries are forgotten");
        assertEquals(false, history.add(b("sig9")));
    }

    @Test
    void headerDatesHaveMicrosecondsAndZ() {
        Header h = new MessageFactory("s", "u").header("status");
        assertTrue(h.date().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), h.date());
        assertEquals("5.3", h.version());
        assertTrue(h.msgId().startsWith("s_"));
    }
}
