package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes Range header parsing: a range, when there is one, lies inside the file; an unsatisfiable one is a 416
 * naming the size; nothing else escapes. Input: the file size in decimal, a newline, then the header value (a
 * size that does not parse is taken as the header's length). Regression inputs: {@code
 * ByteRangeFuzzTestInputs/parse/} under the test resources.
 */
class ByteRangeFuzzTest {

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String header = newline < 0 ? text : text.substring(newline + 1);
        long size = newline < 0 ? header.length() : size(text.substring(0, newline), header.length());
        ByteRange range;
        try {
            range = ByteRange.parse(header, size);
        } catch (HttpError e) {
            assertEquals(416, e.status());
            assertEquals("bytes */" + size, e.headers().get(0).value());
            return;
        }
        if (range != null) {
            assertTrue(0 <= range.start() && range.start() <= range.end() && range.end() < size,
                    () -> range + " outside a " + size + "-byte file");
            assertTrue(range.length() > 0 && range.length() <= size);
            assertEquals("bytes " + range.start() + "-" + range.end() + "/" + size, range.contentRange(size));
        }
    }

    private static long size(String digits, long fallback) {
        try {
            return Math.max(0, Long.parseLong(digits.trim()));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
