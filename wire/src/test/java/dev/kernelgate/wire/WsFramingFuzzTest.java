package dev.kernelgate.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes both WebSocket framings' decoders: only a {@link MalformedMessageException} may escape, and a decoded
 * message encodes and decodes to the same message. The input's first byte says text (even) or binary (odd); the
 * rest is the frame's payload. Regression inputs: {@code WsFramingFuzzTestInputs/<method>/} under the test
 * resources.
 */
class WsFramingFuzzTest {

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    void legacy(byte[] input) throws Exception {
        roundTrip(new LegacyFraming(), input);
    }

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    void v1(byte[] input) throws Exception {
        roundTrip(new V1Framing(), input);
    }

    private static void roundTrip(WsFraming framing, byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        WsFrame frame = new WsFrame((input[0] & 1) != 0, Arrays.copyOfRange(input, 1, input.length));
        ChannelMessage decoded;
        try {
            decoded = framing.decode(frame);
        } catch (MalformedMessageException expected) {
            return;
        }
        assertNotEquals(Channel.HB, decoded.channel());
        decoded.message().msgType();
        decoded.message().msgId();
        ChannelMessage again = framing.decode(framing.encode(decoded));
        assertEquals(decoded.channel(), again.channel());
        WireMessage a = decoded.message();
        WireMessage b = again.message();
        assertArrayEquals(a.header(), b.header());
        assertArrayEquals(a.parentHeader(), b.parentHeader());
        assertArrayEquals(a.metadata(), b.metadata());
        assertArrayEquals(a.content(), b.content());
        ZmqCodecFuzzTest.assertParts(a.buffers(), b.buffers());
    }
}
