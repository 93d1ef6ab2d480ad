package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Static files: Range, HEAD, validators, types, and zero-copy of a file larger than a socket buffer. */
class FileResponseTest {

    @TempDir
    static Path root;
    static byte[] data;
    static TestServer server;

    static Routes routes(Path dir) {
        return Routes.builder()
                .get("/files/{path:.*}", r -> StaticFiles.resolveUnder(dir, r.pathParam("path"))
                        .map(p -> (Response) Responses.file(p).withHeader("Cache-Control", "max-age=60"))
                        .orElseThrow(() -> HttpError.notFound("no such file")))
                .build();
    }

    @BeforeAll
    static void start() throws Exception {
        data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Files.write(root.resolve("logo.png"), data);
        Files.writeString(root.resolve("note.txt"), "hello");
        Files.write(root.resolve("blob.bin"), new byte[0]);
        Files.createDirectories(root.resolve("sub"));
        byte[] big = new byte[8 * 1024 * 1024 + 17];
        Arrays.fill(big, (byte) 7);
        Files.write(root.resolve("sub/big.data"), big);
        server = new TestServer(routes(root));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = server.request(path);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return server.client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void wholeFileWithLengthTypeAndValidators() throws Exception {
        HttpResponse<byte[]> r = get("/files/logo.png");
        assertEquals(200, r.statusCode());
        assertArrayEquals(data, r.body());
        assertEquals("1000", r.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("image/png", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("bytes", r.headers().firstValue("Accept-Ranges").orElseThrow());
        assertEquals("max-age=60", r.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(r.headers().firstValue("ETag").orElseThrow().startsWith("\""));
        assertTrue(r.headers().firstValue("Last-Modified").orElseThrow().endsWith("GMT"));
        assertEquals("text/plain", get("/files/note.txt").headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<byte[]> empty = get("/files/blob.bin");
        assertEquals(0, empty.body().length);
        assertEquals("application/octet-stream", empty.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void singleRangeIs206() throws Exception {
        HttpResponse<byte[]> r = get("/files/logo.png", "Range", "bytes=10-19");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 10-19/1000", r.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(data, 10, 20), r.body());

        HttpResponse<byte[]> suffix = get("/files/logo.png", "Range", "bytes=-5");
        assertEquals("bytes 995-999/1000", suffix.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(data, 995, 1000), suffix.body());
    }

    @Test
    void unsatisfiableRangeIs416WithTheLength() throws Exception {
        HttpResponse<byte[]> r = get("/files/logo.png", "Range", "bytes=1000-");
        assertEquals(416, r.statusCode());
        assertEquals("bytes */1000", r.headers().firstValue("Content-Range").orElseThrow());
        assertEquals("Requested Range Not Satisfiable",
                TestJson.parse(new String(r.body())).get("reason").asText());
        assertEquals(200, get("/files/note.txt").statusCode());
    }

    @Test
    void malformedOrMultipleRangesServeTheWholeFile() throws Exception {
        for (String range : new String[] {"bytes=x-y", "bytes=5-1", "lines=1-2", "bytes=0-1,4-5"}) {
            HttpResponse<byte[]> r = get("/files/logo.png", "Range", range);
            assertEquals(200, r.statusCode(), range);
            assertEquals(1000, r.body().length);
        }
    }

    @Test
    void ifRangeWithAStaleValidatorIgnoresTheRange() throws Exception {
        String etag = get("/files/logo.png").headers().firstValue("ETag").orElseThrow();
        assertEquals(206, get("/files/logo.png", "Range", "bytes=0-0", "If-Range", etag).statusCode());
        assertEquals(200, get("/files/logo.png", "Range", "bytes=0-0", "If-Range", "\"old\"").statusCode());
    }

    @Test
    void headHasTheHeadersButNoBody() throws Exception {
        HttpResponse<byte[]> r = server.client.send(server.request("/files/logo.png")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(0, r.body().length);
        assertEquals("1000", r.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(data, get("/files/logo.png").body());
    }

    @Test
    void conditionalGetIs304() throws Exception {
        HttpResponse<byte[]> first = get("/files/logo.png");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String modified = first.headers().firstValue("Last-Modified").orElseThrow();
        HttpResponse<byte[]> byTag = get("/files/logo.png", "If-None-Match", etag);
        assertEquals(304, byTag.statusCode());
        assertEquals(0, byTag.body().length);
        assertEquals(304, get("/files/logo.png", "If-Modified-Since", modified).statusCode());
        assertEquals(200, get("/files/logo.png", "If-None-Match", "\"other\"").statusCode());
    }

    @Test
    void missingFilesAndTraversalAre404() throws Exception {
        assertEquals(404, get("/files/nope.png").statusCode());
        assertEquals(404, get("/files/sub").statusCode());
        HttpResponse<byte[]> escape = get("/files/%2e%2e/%2e%2e/etc/passwd");
        assertEquals(404, escape.statusCode());
        assertEquals("no such file", TestJson.parse(new String(escape.body())).get("message").asText());
    }

    @Test
    void largeFileArrivesWhole() throws Exception {
        HttpResponse<byte[]> r = get("/files/sub/big.data");
        assertEquals(200, r.statusCode());
        assertEquals(8 * 1024 * 1024 + 17, r.body().length);
        assertFalse(r.body()[r.body().length - 1] != 7);
        HttpResponse<byte[]> tail = get("/files/sub/big.data", "Range", "bytes=8388600-");
        assertEquals(17 + 8, tail.body().length);
    }

    @Test
    void anOpenFileIsSentEvenWhenItsPathIsReplacedMeanwhile() throws Exception {
        Path file = root.resolve("opened.txt");
        Routes routes = Routes.builder().get("/open", r -> {
            try {
                Files.writeString(file, "the opened file");
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                long modified = Files.getLastModifiedTime(file).toMillis();
                Path other = Files.writeString(root.resolve("other.txt"), "another file");
                Files.move(other, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return Responses.file(channel, file, modified, null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).build();
        try (TestServer opened = new TestServer(routes)) {
            HttpResponse<String> whole = opened.client.send(opened.request("/open").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("the opened file", whole.body());
            assertEquals("text/plain", whole.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(whole.headers().firstValue("Last-Modified").isPresent());
            HttpResponse<String> range = opened.client.send(opened.request("/open").header("Range", "bytes=4-9").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(206, range.statusCode());
            assertEquals("opened", range.body());
        }
        assertEquals("another file", Files.readString(file));
    }
}
