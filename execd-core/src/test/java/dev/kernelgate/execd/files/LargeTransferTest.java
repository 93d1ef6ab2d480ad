package dev.kernelgate.execd.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 256 MiB upload and download through a server JVM limited to a 48 MiB heap: both complete intact, and the
 * server's heap high-water mark stays far below the file size (the body is streamed to disk and sent zero-copy).
 */
class LargeTransferTest {

    static final long SIZE = 256L * 1024 * 1024;
    static final String HEAP = "48m";

    @TempDir
    Path dir;

    @Test
    void quarterGigabyteUpAndDownWithAFlatHeap() throws Exception {
        Path source = dir.resolve("source.bin");
        byte[] expected = writeData(source, SIZE);
        Path target = dir.resolve("out/target.bin");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (BenchServerProcess server = new BenchServerProcess(dir, HEAP)) {
            String base = "http://127.0.0.1:" + server.port;
            client.send(HttpRequest.newBuilder(URI.create(base + "/heap/reset")).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());

            String boundary = "kgbench" + System.nanoTime();
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n"
                    + "Content-Type: application/json\r\n\r\n{\"path\":\"" + target + "\",\"mode\":644}\r\n"
                    + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"target.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n";
            String tail = "\r\n--" + boundary + "--\r\n";
            HttpRequest upload = HttpRequest.newBuilder(URI.create(base + "/files/upload"))
                    .timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.concat(
                            HttpRequest.BodyPublishers.ofString(head),
                            HttpRequest.BodyPublishers.ofFile(source),
                            HttpRequest.BodyPublishers.ofString(tail)))
                    .build();
            HttpResponse<String> up = client.send(upload, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, up.statusCode(), up.body());
            assertEquals(SIZE, Files.size(target));
            assertEquals(hex(expected), hex(digest(target)));

            HttpResponse<InputStream> down = client.send(HttpRequest.newBuilder(URI.create(base
                    + "/files/download?path=" + URLEncoder.encode(target.toString(), StandardCharsets.UTF_8)))
                    .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, down.statusCode());
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long n = 0;
            try (InputStream in = down.body()) {
                byte[] buf = new byte[1 << 16];
                int r;
                while ((r = in.read(buf)) > 0) {
                    md.update(buf, 0, r);
                    n += r;
                }
            }
            assertEquals(SIZE, n);
            assertEquals(hex(expected), hex(md.digest()));

            JsonNode heap = FilesServer.JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/heap"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            long peak = heap.get("heap_peak_bytes").asLong();
            assertTrue(server.alive());
            assertTrue(peak < 40L * 1024 * 1024, "server heap peak " + peak + " bytes for a " + SIZE + " byte file");
            assertTrue(heap.get("netty_direct_bytes").asLong() < 64L * 1024 * 1024, heap.toString());
        }
        try (var s = Files.list(target.getParent())) {
            assertEquals(List.of(target), s.toList(), "no temporary file left");
        }
    }

    /** Pseudo-random data; returns its SHA-256. */
    static byte[] writeData(Path file, long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long x = 0x9E3779B97F4A7C15L;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < size; ) {
                buf.clear();
                while (buf.remaining() >= 8) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    buf.putLong(x);
                }
                buf.flip();
                buf.limit((int) Math.min(buf.limit(), size - written));
                md.update(buf.duplicate());
                written += ch.write(buf);
            }
        }
        return md.digest();
    }

    static byte[] digest(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file)) {
            while (ch.read(buf) > 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return md.digest();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
