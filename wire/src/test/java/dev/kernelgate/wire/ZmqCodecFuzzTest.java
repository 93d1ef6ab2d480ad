package dev.kernelgate.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the multipart ZMQ decoder: whatever the frames, only a {@link WireException} may escape. The input's
 * first byte holds flags (bit 0: sign the frames correctly, so the fuzzer gets past the HMAC check; bit 1: signing
 * off), the rest is split into frames at every 0xFF byte (which UTF-8 JSON never contains).
 * Regression inputs: {@code src/test/resources/dev/kernelgate/wire/ZmqCodecFuzzTestInputs/decode/}.
 */
class ZmqCodecFuzzTest {
    private static final Signer SIGNER = Signer.create("hmac-sha256", "fuzz-key");

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    void decode(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        boolean sign = (input[0] & 1) != 0;
        Signer signer = (input[0] & 2) != 0 ? Signer.unsigned() : SIGNER;
        List<byte[]> frames = frames(input);
        if (sign) {
            signInPlace(frames);
        }
        SignatureHistory history = new SignatureHistory(4);
        WireMessage message;
        try {
            message = ZmqCodec.decode(frames, signer, history);
        } catch (WireException expected) {
            return;
        }
        // Accepted: the cheap peeks never throw, the parsed form fails only with the documented type,
        // a replay is refused, and re-encoding gives back the same parts.
        message.msgType();
        message.msgId();
        message.parentMsgId();
        try {
            Message.fromWire(message);
        } catch (MalformedMessageException expected) {
            // JSON parts are checked only when someone parses them
        }
        if (signer.enabled()) {
            assertThrows(SignatureException.class, () -> ZmqCodec.decode(frames, signer, history));
        }
        WireMessage again = ZmqCodec.decode(ZmqCodec.encode(message, signer), signer, new SignatureHistory(4));
        assertSame(message, again);
    }

    private static List<byte[]> frames(byte[] input) {
        List<byte[]> frames = new ArrayList<>();
        int start = 1;
        for (int i = 1; i <= input.length; i++) {
            if (i == input.length || input[i] == (byte) 0xFF) {
                byte[] frame = new byte[i - start];
                System.arraycopy(input, start, frame, 0, frame.length);
                frames.add(frame);
                start = i + 1;
            }
        }
        return frames;
    }

    /** Replaces the frame after the first delimiter with the right signature, when there is such a frame. */
    private static void signInPlace(List<byte[]> frames) {
        for (int i = 0; i + 5 < frames.size(); i++) {
            if (java.util.Arrays.equals(frames.get(i), ZmqCodec.DELIMITER)) {
                frames.set(i + 1, SIGNER.sign(frames.get(i + 2), frames.get(i + 3), frames.get(i + 4),
                        frames.get(i + 5)));
                return;
            }
        }
    }

    private static void assertSame(WireMessage expected, WireMessage actual) {
        assertParts(expected.identities(), actual.identities());
        assertArrayEquals(expected.header(), actual.header());
        assertArrayEquals(expected.parentHeader(), actual.parentHeader());
        assertArrayEquals(expected.metadata(), actual.metadata());
        assertArrayEquals(expected.content(), actual.content());
        assertParts(expected.buffers(), actual.buffers());
    }

    static void assertParts(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "part " + i);
        }
    }
}
