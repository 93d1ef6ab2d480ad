package dev.kernelgate.execd.pty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void write(ReplayBuffer buffer, String s) {
        byte[] b = bytes(s);
        buffer.write(b, 0, b.length);
    }

    private static String text(ReplayBuffer.Snapshot snapshot) {
        return new String(snapshot.bytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void offsetsAreAbsoluteAcrossWrapAround() {
        ReplayBuffer buffer = new ReplayBuffer(8);
        write(buffer, "abcde");
        assertEquals("cde", text(buffer.from(2)));
        assertEquals(2, buffer.from(2).offset());
        write(buffer, "fghij"); // wraps: "cdefghij" retained
        assertEquals(10, buffer.total());
        assertEquals("cdefghij", text(buffer.from(0)));
        assertEquals(2, buffer.from(0).offset(), "clamped to the oldest retained byte");
        assertEquals("hij", text(buffer.from(7)));
        assertEquals(7, buffer.from(7).offset());
    }

    @Test
    void caughtUpOrAheadGivesNothing() {
        ReplayBuffer buffer = new ReplayBuffer(4);
        write(buffer, "xy");
        assertArrayEquals(new byte[0], buffer.from(2).bytes());
        assertEquals(2, buffer.from(2).offset());
        assertArrayEquals(new byte[0], buffer.from(99).bytes());
        assertEquals(2, buffer.from(99).offset());
    }

    @Test
    void aWriteLargerThanTheBufferKeepsItsTail() {
        ReplayBuffer buffer = new ReplayBuffer(4);
        write(buffer, "a");
        byte[] big = bytes("0123456789");
        buffer.write(big, 2, 7); // "2345678"
        assertEquals(8, buffer.total());
        assertEquals("5678", text(buffer.from(0)));
        assertEquals(4, buffer.from(0).offset());
    }

    @Test
    void aBufferThatGrowsOnTheWayKeepsEveryByteAndThenTheLastMegabyte() {
        ReplayBuffer buffer = new ReplayBuffer(ReplayBuffer.DEFAULT_CAPACITY);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Random random = new Random(7);
        while (all.size() < 3 * ReplayBuffer.DEFAULT_CAPACITY) {
            byte[] chunk = new byte[1 + random.nextInt(9000)];
            random.nextBytes(chunk);
            buffer.write(chunk, 0, chunk.length);
            all.write(chunk, 0, chunk.length);
            byte[] sofar = all.toByteArray();
            if (sofar.length <= ReplayBuffer.DEFAULT_CAPACITY) {
                assertArrayEquals(sofar, buffer.from(0).bytes(), "before any wrap");
            }
        }
        byte[] everything = all.toByteArray();
        ReplayBuffer.Snapshot tail = buffer.from(0);
        assertEquals(everything.length - ReplayBuffer.DEFAULT_CAPACITY, tail.offset());
        assertArrayEquals(Arrays.copyOfRange(everything,
                everything.length - ReplayBuffer.DEFAULT_CAPACITY, everything.length), tail.bytes());
    }
}
