package dev.kernelgate.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SignatureHistoryTest {
    private static byte[] sig(String s) {
        return String.format("%64s", s).replace(' ', '0').getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aSignatureIsAcceptedOnceAndTheOldestAreForgottenFirst() {
        SignatureHistory history = new SignatureHistory(3);
        assertTrue(history.add(sig("a")));
        assertFalse(history.add(sig("a")));
        assertTrue(history.add(sig("b")));
        assertTrue(history.add(sig("c")));
        assertTrue(history.add(sig("d")));
        assertEquals(3, history.size());
        assertFalse(history.add(sig("b")), "still remembered");
        assertFalse(history.add(sig("d")));
        assertTrue(history.add(sig("a")), "the oldest was forgotten");
        assertFalse(history.add(sig("c")));
    }

    @Test
    void behavesAsABoundedInsertionOrderedSetUnderRandomTraffic() {
        Random random = new Random(42);
        for (int capacity : new int[] {1, 2, 7, 64, 100, 1000}) {
            SignatureHistory history = new SignatureHistory(capacity);
            LinkedHashSet<ByteBuffer> model = new LinkedHashSet<>();
            List<byte[]> issued = new ArrayList<>();
            for (int n = 0; n < 20_000; n++) {
                byte[] s;
                if (!issued.isEmpty() && random.nextInt(3) == 0) {
                    s = issued.get(issued.size() - 1 - random.nextInt(Math.min(issued.size(), 2 * capacity + 3)));
                } else {
                    s = new byte[64];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = (byte) "0123456789abcdef".charAt(random.nextInt(16));
                    }
                    issued.add(s);
                }
                boolean expected = model.add(ByteBuffer.wrap(s));
                if (expected && model.size() > capacity) {
                    Iterator<ByteBuffer> oldest = model.iterator();
                    oldest.next();
                    oldest.remove();
                }
                assertEquals(expected, history.add(s.clone()), "capacity " + capacity + ", step " + n);
                assertEquals(model.size(), history.size());
            }
        }
    }

    @Test
    void aSignatureOfAnotherWidthIsStillCheckedForReplay() {
        SignatureHistory history = new SignatureHistory(2);
        assertTrue(history.add(sig("a")));
        byte[] shorter = "abc123".getBytes(StandardCharsets.US_ASCII);
        assertTrue(history.add(shorter));
        assertFalse(history.add(shorter.clone()));
        assertFalse(history.add(sig("a")));
    }
}
