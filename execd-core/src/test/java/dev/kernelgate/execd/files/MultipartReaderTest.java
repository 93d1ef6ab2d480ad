package dev.kernelgate.execd.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kernelgate.http.BodySource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming multipart parser, fed in chunks of every size so delimiters straddle chunk borders. */
class MultipartReaderTest {

    /** A body delivered in fixed-size direct chunks. */
    static BodySource chunked(byte[] body, int chunk) {
        ArrayDeque<ByteBuf> q = new ArrayDeque<>();
        for (int i = 0; i < body.length; i += chunk) {
            ByteBuf b = Unpooled.directBuffer(chunk);
            b.writeBytes(body, i, Math.min(chunk, body.length - i));
            q.add(b);
        }
        return new BodySource() {
            long read;

            @Override
            public ByteBuf read() {
                ByteBuf b = q.poll();
                if (b != null) {
                    read += b.readableBytes();
                }
                return b;
            }

            @Override
            public long contentLength() {
                return body.length;
            }

            @Override
            public long bytesRead() {
                return read;
            }

            @Override
            public boolean isComplete() {
                return true;
            }

            @Override
            public void discard() {
                q.forEach(ByteBuf::release);
                q.clear();
            }
        };
    }

    record Parsed(String name, String filename, byte[] body) {
    }

    static List<Parsed> parse(byte[] body, String boundary, int chunk) throws Exception {
        List<Parsed> out = new ArrayList<>();
        try (MultipartReader r = new MultipartReader(chunked(body, chunk), boundary)) {
            MultipartReader.Part p;
            while ((p = r.next()) != null) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                p.transferTo(bb -> {
                    byte[] b = new byte[bb.remaining()];
                    bb.get(b);
                    bytes.write(b, 0, b.length);
                });
                out.add(new Parsed(p.formName(), p.filename(), bytes.toByteArray()));
            }
        }
        return out;
    }

    @Test
    void partsSurviveEveryChunkSize() throws Exception {
        // Prefixes of the delimiter (CRLF--boundary) everywhere, never the whole of it.
        byte[] tricky = ("x\r\n--boundar\r\r\n--boundarz\r\n-\r\n--bound" + "\r").getBytes(StandardCharsets.ISO_8859_1);
        byte[] random = new byte[5000];
        new Random(7).nextBytes(random);
        Multipart m = new Multipart("boundary").file("metadata", "metadata", "{\"path\":\"/a\"}".getBytes())
                .file("file", "a.bin", tricky).value("note", "v").file("file", "dir/b.bin", random)
                .file("empty", "e", new byte[0]).end();
        byte[] body = m.bytes();
        for (int chunk : new int[] {1, 2, 3, 5, 7, 13, 16, 64, 1000, 4096, body.length}) {
            List<Parsed> parts = parse(body, "boundary", chunk);
            assertEquals(5, parts.size(), "chunk " + chunk);
            assertEquals("metadata", parts.get(0).name());
            assertEquals("{\"path\":\"/a\"}", new String(parts.get(0).body(), StandardCharsets.UTF_8));
            assertArrayEquals(tricky, parts.get(1).body(), "chunk " + chunk);
            assertEquals("a.bin", parts.get(1).filename());
            assertNull(parts.get(2).filename());
            assertEquals("v", new String(parts.get(2).body(), StandardCharsets.UTF_8));
            assertEquals("b.bin", parts.get(3).filename(), "base name only");
            assertArrayEquals(random, parts.get(3).body(), "chunk " + chunk);
            assertEquals(0, parts.get(4).body().length);
        }
    }

    @Test
    void preambleEpilogueAndTransportPaddingAreIgnored() throws Exception {
        String body = "preamble text\r\n--b \t\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''na%C3%AFve.txt"
                + "\r\n\r\ncontent\r\n--b--\r\nepilogue";
        List<Parsed> parts = parse(body.getBytes(StandardCharsets.UTF_8), "b", 3);
        assertEquals(1, parts.size());
        assertEquals("naïve.txt", parts.get(0).filename());
        assertEquals("content", new String(parts.get(0).body(), StandardCharsets.UTF_8));
    }

    @Test
    void truncatedOrMalformedBodiesAreErrors() {
        byte[] noClose = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc".getBytes(StandardCharsets.UTF_8);
        assertThrows(MultipartReader.MalformedException.class, () -> parse(noClose, "b", 4));
        byte[] badLine = "--bX\r\n\r\nabc\r\n--b--".getBytes(StandardCharsets.UTF_8);
        assertThrows(MultipartReader.MalformedException.class, () -> parse(badLine, "b", 4));
        byte[] noHeadersEnd = ("--b\r\nContent-Disposition: form-data; name=\"f\"" + "x".repeat(20000))
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(MultipartReader.MalformedException.class, () -> parse(noHeadersEnd, "b", 100));
    }

    @Test
    void boundaryComesFromTheContentType() {
        assertEquals("abc", MultipartReader.boundaryOf("multipart/form-data; boundary=abc"));
        assertEquals("a b", MultipartReader.boundaryOf("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""));
        assertNull(MultipartReader.boundaryOf("application/json"));
        assertNull(MultipartReader.boundaryOf("multipart/form-data"));
        assertNull(MultipartReader.boundaryOf(null));
        Map<String, String> params = new java.util.HashMap<>();
        assertEquals("form-data", MultipartReader.parseHeaderValue(
                "form-data; name=\"q\\\"x\"; filename=plain.txt", params));
        assertEquals("q\"x", params.get("name"));
        assertEquals("plain.txt", params.get("filename"));
    }
}
