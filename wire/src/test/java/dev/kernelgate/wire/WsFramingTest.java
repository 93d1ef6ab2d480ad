package dev.kernelgate.wire;

import static dev.kernelgate.wire.SignerTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class WsFramingTest {
    private static final byte[] HEADER =
            b("{\"msg_id\": \"m1\", \"msg_type\": \"stream\", \"username\": \"u\", \"session\": \"s\", "
                    + "\"date\": \"2026-11-26T14:20:09.409984Z\", \"version\": \"5.3\"}");

    private static WireMessage message(List<byte[]> buffers) {
        return new WireMessage(HEADER, b("{\"msg_id\": \"p\u00e9\"}"), b("{}"),
                b("{\"name\": \"stdout\", \"text\": \"h\u00e9llo \\\"q\\\"\\n\"}"), buffers);
    }

    @Test
    void legacyTextHasTopLevelFieldsAndKeepsPartsIntact() throws Exception {
        WsFrame frame = new LegacyFraming().encode(new ChannelMessage(Channel.IOPUB, message(List.of())));
        assertFalse(frame.binary());
        JsonNode json = Json.MAPPER.readTree(frame.data());
        assertEquals("iopub", json.get("channel").asText());
        assertEquals("m1", json.get("msg_id").asText());
        assertEquals("stream", json.get("msg_type").asText());
        assertEquals(0, json.get("buffers").size());
        assertEquals("h\u00e9llo \"q\"\n", json.get("content").get("text").asText());
        assertEquals("p\u00e9", json.get("parent_header").get("msg_id").asText());

        ChannelMessage back = new LegacyFraming().decode(frame);
        assertEquals(Channel.IOPUB, back.channel());
        assertEquals("stream", back.message().msgType());
        assertEquals(Json.MAPPER.readTree(message(List.of()).content()), Json.MAPPER.readTree(back.message().content()));
    }

    @Test
    void legacyBinaryOnlyWithBuffersAndRoundTrips() throws Exception {
        WsFrame frame = new LegacyFraming().encode(new ChannelMessage(Channel.SHELL,
                message(List.of(b("abc"), new byte[] {0, (byte) 255}))));
        assertTrue(frame.binary());
        ByteBuffer in = ByteBuffer.wrap(frame.data());
        assertEquals(3, in.getInt());
        assertEquals(16, in.getInt(), "first offset = 4 * (nbufs + 1)");
        ChannelMessage back = new LegacyFraming().decode(frame);
        assertEquals(Channel.SHELL, back.channel());
        assertEquals(2, back.message().buffers().size());
        assertArrayEquals(new byte[] {0, (byte) 255}, back.message().buffers().get(1));
        JsonNode json = Json.MAPPER.readTree(back.message().header());
        assertEquals("m1", json.get("msg_id").asText());
    }

    @Test
    void legacyClientFramesDefaultMissingPartsAndChannel() throws Exception {
        ChannelMessage m = new LegacyFraming().decode(WsFrame.text(
                "{\"header\":{\"msg_id\":\"x\",\"msg_type\":\"kernel_info_request\"},\"content\":{}}"));
        assertEquals(Channel.SHELL, m.channel());
        assertArrayEquals(b("{}"), m.message().parentHeader());
        assertArrayEquals(b("{}"), m.message().metadata());
        assertEquals("kernel_info_request", m.message().msgType());
    }

    @Test
    void legacyBadInputIsMalformed() {
        LegacyFraming f = new LegacyFraming();
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.text("{not json")));
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.text("{\"channel\":\"nope\",\"header\":{}}")));
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.text("{\"channel\":\"hb\",\"header\":{}}")));
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.text("{\"channel\":\"shell\"}")));
        assertThrows(MalformedMessageException.class,
                () -> f.decode(WsFrame.text("{\"header\":{},\"content\":[1]}")));
        ByteBuffer bad = ByteBuffer.allocate(16).putInt(2).putInt(12).putInt(99).putInt(0);
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.binary(bad.array())));
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.binary(new byte[] {0, 0, 0})));
        ByteBuffer huge = ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(8);
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.binary(huge.array())));
    }

    @Test
    void v1LayoutMatchesTheSubprotocolAndForwardsBytesUntouched() throws Exception {
        WireMessage m = message(List.of(b("buf")));
        WsFrame frame = new V1Framing().encode(new ChannelMessage(Channel.IOPUB, m));
        assertTrue(frame.binary());
        ByteBuffer in = ByteBuffer.wrap(frame.data()).order(ByteOrder.LITTLE_ENDIAN);
        long n = in.getLong();
        assertEquals(7, n, "1 channel + 4 parts + 1 buffer + 1");
        assertEquals(8 * (n + 1), in.getLong());
        ChannelMessage back = new V1Framing().decode(frame);
        assertEquals(Channel.IOPUB, back.channel());
        assertArrayEquals(m.header(), back.message().header());
        assertArrayEquals(m.content(), back.message().content());
        assertArrayEquals(b("buf"), back.message().buffers().get(0));
        assertEquals(V1Framing.SUBPROTOCOL, WsFramings.forSubprotocol(V1Framing.SUBPROTOCOL).subprotocol());
        assertNull(WsFramings.forSubprotocol(null).subprotocol());
    }

    @Test
    void v1BadInputIsMalformed() {
        V1Framing f = new V1Framing();
        byte[] good = f.encode(new ChannelMessage(Channel.SHELL, message(List.of()))).data();
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.text("{}")));
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.binary(new byte[4])));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.binary(truncated)));
        byte[] badCount = good.clone();
        ByteBuffer.wrap(badCount).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.binary(badCount)));
        byte[] badOffset = good.clone();
        ByteBuffer.wrap(badOffset).order(ByteOrder.LITTLE_ENDIAN).putLong(16, 3);
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.binary(badOffset)));
        byte[] badChannel = good.clone();
        int channelStart = (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
        badChannel[channelStart] = 'x';
        assertThrows(MalformedMessageException.class, () -> f.decode(WsFrame.binary(badChannel)));
    }
}
