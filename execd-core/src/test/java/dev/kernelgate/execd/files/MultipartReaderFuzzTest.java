package dev.kernelgate.execd.files;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the multipart upload reader: whatever the Content-Type and body, only a {@link
 * MultipartReader.MalformedException} may escape, and the parts never hold more bytes than the body. Input: the
 * Content-Type value, a newline, one byte for the chunk size (1..64, so delimiters straddle chunks), then the
 * body. Regression inputs: {@code MultipartReaderFuzzTestInputs/read/} under the test resources.
 */
class MultipartReaderFuzzTest {

    @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
    void read(byte[] input) throws Exception {
        int newline = 0;
        while (newline < input.length && input[newline] != '\n') {
            newline++;
        }
        if (newline + 1 >= input.length) {
            return;
        }
        String boundary = MultipartReader.boundaryOf(new String(input, 0, newline, StandardCharsets.ISO_8859_1));
        if (boundary == null) {
            return;
        }
        int chunk = (input[newline + 1] & 63) + 1;
        byte[] body = Arrays.copyOfRange(input, newline + 2, input.length);
        long total = 0;
        int parts = 0;
        try (MultipartReader reader = new MultipartReader(MultipartReaderTest.chunked(body, chunk), boundary)) {
            MultipartReader.Part part;
            while ((part = reader.next()) != null) {
                part.formName();
                part.filename();
                // alternate the three ways a part is consumed: in memory, streamed, skipped by next()
                switch (parts++ % 3) {
                    case 0 -> {
                        byte[] bytes = part.readAll(body.length);
                        total += bytes == null ? 0 : bytes.length;
                    }
                    case 1 -> {
                        long[] streamed = new long[1];
                        part.transferTo(b -> {
                            streamed[0] += b.remaining();
                            b.position(b.limit());
                        });
                        total += streamed[0];
                    }
                    default -> {
                    }
                }
            }
        } catch (MultipartReader.MalformedException expected) {
            return;
        }
        assertTrue(total <= body.length, total + " part bytes from a " + body.length + "-byte body");
    }
}
