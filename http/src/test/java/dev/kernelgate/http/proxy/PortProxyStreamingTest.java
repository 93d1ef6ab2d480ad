package dev.kernelgate.http.proxy;

import static dev.kernelgate.http.proxy.ProxyFixture.TOKEN;
import static dev.kernelgate.http.proxy.ProxyFixture.TOKEN_HEADER;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.http.RawHttp;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bodies stream through the proxy both ways without being held in memory, with backpressure to the sender, and
 * event streams arrive event by event.
 *
 * <p>Backpressure is checked with a 1 GiB body against a stalled peer: loopback sockets here autotune up to tens
 * of MiB each, so only a body much larger than the kernel can hold tells "the proxy paused" from "the kernel
 * absorbed it". Memory is checked as the proxy's own: Netty direct memory (where a proxy would buffer) and heap.
 */
@Timeout(120)
class PortProxyStreamingTest {

    static final long SIZE = 50L * 1024 * 1024;
    static final long HUGE = 1024L * 1024 * 1024;
    /** Far above what the loopback sockets on the way can hold (about 72 MiB here), far below 1 GiB. */
    static final long STALL_LIMIT = 128L * 1024 * 1024;
    static ProxyFixture fx;

    @BeforeAll
    static void start() throws IOException {
        fx = new ProxyFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** Direct memory held by Netty's default allocator (the fixture's servers use it; the JDK client does not). */
    static long nettyDirect() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p ? p.metric().usedDirectMemory() : 0;
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** {@code size} pattern bytes; counts what the HTTP client has taken so far. */
    static final class PatternStream extends InputStream {
        final long size;
        final AtomicLong taken = new AtomicLong();
        final CRC32 crc = new CRC32();

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long pos = taken.get();
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(Math.min(len, ProxyFixture.CHUNK), size - pos);
            ProxyFixture.pattern(pos, b, off, n);
            crc.update(b, off, n);
            taken.addAndGet(n);
            return n;
        }
    }

    // ---- pass-through of big bodies ----

    @Test
    void fiftyMegabyteUploadPassesThrough() throws Exception {
        fx.uploadGate = new CountDownLatch(0);
        PatternStream body = new PatternStream(SIZE);
        HttpResponse<String> res = fx.client.send(fx.request(fx.via(fx.upstreamPort(), "/upload"))
                        .POST(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> body), SIZE))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(SIZE + ":" + body.crc.getValue(), res.body(), "every byte arrived, in order");
    }

    @Test
    void fiftyMegabyteDownloadPassesThrough() throws Exception {
        HttpResponse<InputStream> res = fx.client.send(
                fx.request(fx.via(fx.upstreamPort(), "/download?size=" + SIZE)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, res.statusCode());
        assertEquals("chunked", res.headers().firstValue("Transfer-Encoding").orElse(""));
        long offset = 0;
        try (InputStream in = res.body()) {
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != ProxyFixture.pattern(offset)) {
                        throw new AssertionError("wrong byte at " + offset);
                    }
                    offset++;
                }
            }
        }
        assertEquals(SIZE, offset);
    }

    // ---- backpressure and memory ----

    @Test
    void stalledTargetStopsTheUploadingClientInsteadOfFillingMemory() throws Exception {
        long heapBefore = usedHeapAfterGc();
        long directBefore = nettyDirect();
        fx.uploadGate = new CountDownLatch(1);
        fx.uploadReceived.set(0);
        int failuresBefore = fx.uploadFailures.get();
        AtomicLong written = new AtomicLong();
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("POST /proxy/" + fx.upstreamPort() + "/upload HTTP/1.1\r\nHost: x\r\n" + TOKEN_HEADER + ": "
                    + TOKEN + "\r\nContent-Length: " + HUGE + "\r\n\r\n");
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[ProxyFixture.CHUNK];
                try {
                    OutputStream out = raw.out;
                    while (written.get() < HUGE) {
                        ProxyFixture.pattern(written.get(), chunk, 0, chunk.length);
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the test hung up
                }
            }, "upload-writer");
            writer.setDaemon(true);
            writer.start();

            // The target reads 1 MiB and stops: the client must stall, the proxy must not soak the body up.
            await().atMost(Duration.ofSeconds(30)).until(() -> fx.uploadReceived.get() >= 1024 * 1024);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> written.get() < STALL_LIMIT);
            long heap = usedHeapAfterGc() - heapBefore;
            long direct = nettyDirect() - directBefore;
            System.out.printf("upload stalled: target read %d KiB, client wrote %d KiB (of %d KiB); heap %+d KiB, "
                            + "netty direct %+d KiB%n", fx.uploadReceived.get() / 1024, written.get() / 1024,
                    HUGE / 1024, heap / 1024, direct / 1024);
            assertTrue(written.get() < STALL_LIMIT, "backpressure reached the client");
            assertTrue(direct < 64L * 1024 * 1024, "the proxy does not hold the body: " + direct);
            assertTrue(heap < SIZE, "heap does not grow with the body: " + heap);
        }
        // The client went away: the proxy closes the target connection, the target's read fails.
        fx.uploadGate.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.uploadFailures.get() > failuresBefore);
        assertPing();
    }

    @Test
    void slowClientStopsTheDownloadingTargetInsteadOfFillingMemory() throws Exception {
        long heapBefore = usedHeapAfterGc();
        long directBefore = nettyDirect();
        fx.downloadProduced.set(0);
        int abortedBefore = fx.downloadAborted.get();
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("GET /proxy/" + fx.upstreamPort() + "/download?size=" + HUGE + " HTTP/1.1\r\nHost: x\r\n"
                    + TOKEN_HEADER + ": " + TOKEN + "\r\n\r\n");
            assertEquals(200, raw.readHead().status());
            assertEquals(1024 * 1024, raw.in.readNBytes(1024 * 1024).length);
            // The client stops reading: the target must stop producing, the proxy must not soak the body up.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> fx.downloadProduced.get() < STALL_LIMIT);
            long heap = usedHeapAfterGc() - heapBefore;
            long direct = nettyDirect() - directBefore;
            System.out.printf("download stalled: client read 1024 KiB, target produced %d KiB (of %d KiB); "
                    + "heap %+d KiB, netty direct %+d KiB%n", fx.downloadProduced.get() / 1024, HUGE / 1024,
                    heap / 1024, direct / 1024);
            assertTrue(fx.downloadProduced.get() < STALL_LIMIT, "backpressure reached the target");
            assertTrue(direct < 64L * 1024 * 1024, "the proxy does not hold the body: " + direct);
            assertTrue(heap < SIZE, "heap does not grow with the body: " + heap);
        }
        // The client went away: the proxy closes the target connection, the producer sees it.
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.downloadAborted.get() > abortedBefore);
        assertPing();
    }

    // ---- event streams ----

    @Test
    void eventStreamArrivesIncrementally() throws Exception {
        fx.eventsRelease = new CompletableFuture<>();
        HttpResponse<Stream<String>> res = fx.client.send(
                fx.request(fx.via(fx.upstreamPort(), "/events")).GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, res.statusCode());
        assertEquals("text/event-stream", res.headers().firstValue("Content-Type").orElse(""));
        Iterator<String> lines = res.body().filter(l -> !l.isEmpty()).iterator();
        assertEquals("{\"n\":1}", lines.next());
        assertFalse(fx.eventsRelease.isDone(), "the first event came through before the target finished");
        fx.eventsRelease.complete(null);
        assertEquals("{\"n\":2}", lines.next());
        assertFalse(lines.hasNext());
    }

    @Test
    void clientLeavingMidStreamLeavesTheServerServing() throws Exception {
        fx.eventsRelease = new CompletableFuture<>();
        try (RawHttp raw = new RawHttp(fx.proxyPort())) {
            raw.write("GET /proxy/" + fx.upstreamPort() + "/events HTTP/1.1\r\nHost: x\r\n"
                    + TOKEN_HEADER + ": " + TOKEN + "\r\n\r\n");
            assertEquals(200, raw.readHead().status());
            assertEquals("{\"n\":1}\n\n", raw.readChunk());
        }
        fx.eventsRelease.complete(null);
        assertPing();
    }

    static void assertPing() throws Exception {
        URI ping = URI.create("http://127.0.0.1:" + fx.proxyPort() + "/ping");
        HttpResponse<String> res = fx.client.send(fx.request(ping).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("pong", res.body());
    }
}
