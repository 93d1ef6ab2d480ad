package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void closedOpenAndSuffixRanges() {
        assertEquals(new ByteRange(0, 9), ByteRange.parse("bytes=0-9", 100));
        assertEquals(new ByteRange(90, 99), ByteRange.parse("bytes=90-", 100));
        assertEquals(new ByteRange(80, 99), ByteRange.parse("bytes=-20", 100));
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=-500", 100));
        assertEquals(new ByteRange(50, 99), ByteRange.parse("bytes=50-1000", 100));
        assertEquals(new ByteRange(5, 5), ByteRange.parse("BYTES= 5-5", 100));
    }

    @Test
    void unsatisfiableIs416WithTheLength() {
        HttpError e = assertThrows(HttpError.class, () -> ByteRange.parse("bytes=100-", 100));
        assertEquals(416, e.status());
        assertEquals("bytes */100", e.headers().get(0).value());
        assertThrows(HttpError.class, () -> ByteRange.parse("bytes=-0", 100));
        assertThrows(HttpError.class, () -> ByteRange.parse("bytes=0-0", 0));
    }

    @Test
    void malformedOrUnsupportedIsIgnored() {
        assertNull(ByteRange.parse(null, 100));
        assertNull(ByteRange.parse("items=0-1", 100));
        assertNull(ByteRange.parse("bytes=9-1", 100));
        assertNull(ByteRange.parse("bytes=a-b", 100));
        assertNull(ByteRange.parse("bytes=0-1,5-6", 100));
        assertNull(ByteRange.parse("bytes=", 100));
        assertNull(ByteRange.parse("bytes=99999999999999999999-", 100));
    }
}
