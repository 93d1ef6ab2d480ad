package dev.kernelgate.http.proxy;

import dev.kernelgate.http.BodySource;
import dev.kernelgate.http.BodyWriter;
import dev.kernelgate.http.CodeMessageErrorRenderer;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.ProxyOptions;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.RouteHandler;
import dev.kernelgate.http.RouteOptions;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import dev.kernelgate.http.TokenAuth;
import dev.kernelgate.http.TokenExtractor;
import dev.kernelgate.http.WebSocketAcceptance;
import dev.kernelgate.http.WebSocketListener;
import dev.kernelgate.http.WebSocketSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Two kit servers on 127.0.0.1: an upstream with plain routes (no auth), and the proxy server under test, which
 * has execd-style token auth, its own routes, and {@code /proxy/{port}} with an alias port served in-process.
 */
final class ProxyFixture implements AutoCloseable {

    static final String TOKEN = "s3cret";
    static final String TOKEN_HEADER = "X-EXECD-ACCESS-TOKEN";
    static final int CHUNK = 64 * 1024;

    final ExecutorService blocking = new ThreadPoolExecutor(4, 16, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64));
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    // Upstream observations and gates.
    final AtomicInteger upstreamRequests = new AtomicInteger();
    volatile CountDownLatch uploadGate = new CountDownLatch(0);
    final AtomicLong uploadReceived = new AtomicLong();
    final AtomicInteger uploadFailures = new AtomicInteger();
    final AtomicLong downloadProduced = new AtomicLong();
    final AtomicInteger downloadAborted = new AtomicInteger();
    volatile CompletableFuture<Void> eventsRelease = new CompletableFuture<>();
    volatile CompletableFuture<Void> selfEventsRelease = new CompletableFuture<>();

    final int aliasPort;
    final RunningServer upstream;
    final RunningServer proxy;

    ProxyFixture() throws IOException {
        aliasPort = freePort();
        upstream = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), upstreamRoutes(), blocking).start();
        proxy = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), proxyRoutes(), blocking).start();
    }

    /** A port nothing listens on (bound once, then released). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    // ---- the upstream ----

    private Routes upstreamRoutes() {
        Routes.Builder b = Routes.builder().errors(CodeMessageErrorRenderer.withFallbackCode("UPSTREAM"));
        for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")) {
            b.route(method, "/echo", this::echo, RouteOptions.defaults());
            b.route(method, "/echo/{rest:.*}", this::echo, RouteOptions.defaults());
        }
        return b
                .post("/upload", this::upload, RouteOptions.streaming())
                .get("/download", this::download)
                .get("/events", r -> Responses.eventStream(events -> {
                    events.send(Map.of("n", 1));
                    eventsRelease.thenRun(() -> events.end(Map.of("n", 2)));
                }))
                .ws("/ws", r -> WebSocketAcceptance.of(null, new Echo("up:")).completed())
                .build();
    }

    private Response echo(Request r) {
        upstreamRequests.incrementAndGet();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", r.method());
        out.put("uri", r.uri());
        out.put("body", r.bodyText());
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().forEach(e ->
                headers.merge(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), (a, c) -> a + ", " + c));
        out.put("headers", headers);
        out.put("remotePort", ((InetSocketAddress) r.remoteAddress()).getPort());
        return Responses.json(out).withHeader("X-Upstream", "yes");
    }

    /** Reads the body as it streams in; stops after 1 MiB while {@link #uploadGate} is closed. */
    private Response upload(Request r) {
        return r.offload(() -> {
            try {
                return readUpload(r);
            } catch (IOException e) {
                uploadFailures.incrementAndGet(); // the client gave up (backpressure test)
                return Responses.text(400, "incomplete");
            }
        });
    }

    private Response readUpload(Request r) throws IOException, InterruptedException {
        BodySource source = r.bodyStream();
        CRC32 crc = new CRC32();
        long total = 0;
        boolean stalled = false;
        ByteBuf chunk;
        while ((chunk = source.read()) != null) {
            try {
                total += chunk.readableBytes();
                crc.update(chunk.nioBuffer());
            } finally {
                chunk.release();
            }
            uploadReceived.set(total);
            if (!stalled && total >= 1024 * 1024) {
                stalled = true;
                uploadGate.await(60, TimeUnit.SECONDS);
            }
        }
        return Responses.text(200, total + ":" + crc.getValue());
    }

    /** {@code size} bytes of {@link #pattern}, chunked, produced only as fast as the socket takes them. */
    private Response download(Request r) {
        long size = Long.parseLong(r.query("size"));
        return Responses.stream(200, "application/octet-stream", out -> new Producer(out, size).start());
    }

    /** The body pattern repeats every {@code PERIOD} bytes, a prime, so a lost or repeated chunk shows. */
    static final int PERIOD = 65521;
    private static final byte[] PATTERN = new byte[PERIOD + CHUNK];
    private static final ByteBuf PATTERN_BUF;

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            int x = i % PERIOD;
            PATTERN[i] = (byte) (x * 31 + (x >>> 8));
        }
        PATTERN_BUF = Unpooled.unreleasableBuffer(Unpooled.directBuffer(PATTERN.length).writeBytes(PATTERN));
    }

    static byte pattern(long offset) {
        return PATTERN[(int) (offset % PERIOD)];
    }

    /** {@code length} (at most {@link #CHUNK}) pattern bytes from {@code offset}, copied into {@code into}. */
    static void pattern(long offset, byte[] into, int at, int length) {
        System.arraycopy(PATTERN, (int) (offset % PERIOD), into, at, length);
    }

    private final class Producer {
        private final BodyWriter out;
        private final long size;
        private long sent;
        private boolean waiting;

        Producer(BodyWriter out, long size) {
            this.out = out;
            this.size = size;
        }

        void start() {
            out.onDisconnect(downloadAborted::incrementAndGet);
            out.onWritable(() -> {
                if (waiting) {
                    waiting = false;
                    step();
                }
            });
            out.executor().execute(this::step);
        }

        /** One chunk per event-loop task, so isWritable() sees the previous write. */
        private void step() {
            if (!out.isOpen()) {
                return;
            }
            if (sent >= size) {
                out.end();
                return;
            }
            if (!out.isWritable()) {
                waiting = true;
                return;
            }
            int n = (int) Math.min(CHUNK, size - sent);
            ByteBuf chunk = PATTERN_BUF.slice((int) (sent % PERIOD), n); // shared, never freed: no copy per chunk
            sent += n;
            downloadProduced.set(sent);
            out.write(chunk);
            out.executor().execute(this::step);
        }
    }

    static final class Echo implements WebSocketListener {
        private final String prefix;

        Echo(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public void onText(WebSocketSession session, String text) {
            session.sendText(prefix + text);
        }

        @Override
        public void onBinary(WebSocketSession session, ByteBuf data) {
            session.sendBinary(ByteBufUtil.getBytes(data));
        }
    }

    // ---- the proxy server under test ----

    private Routes proxyRoutes() {
        TokenAuth auth = TokenAuth.builder(TOKEN)
                .extractor(TokenExtractor.header(TOKEN_HEADER))
                .onFailure((request, present) -> new Response.Json(401, null,
                        Map.of("error", "Unauthorized: invalid or missing header " + TOKEN_HEADER), List.of()))
                .build();
        RouteHandler whoami = r -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("remotePort", ((InetSocketAddress) r.remoteAddress()).getPort());
            out.put("prefix", r.header("X-Forwarded-Prefix"));
            out.put("forwardedFor", r.header("X-Forwarded-For"));
            out.put("uri", r.uri());
            return Responses.json(out);
        };
        return Routes.builder()
                .errors(CodeMessageErrorRenderer.withFallbackCode("RUNTIME_ERROR"))
                .auth(auth)
                .proxy("/proxy/{port}", ProxyOptions.defaults().selfPorts(() -> aliasPort)
                        .connectTimeout(Duration.ofSeconds(2)))
                .get("/ping", r -> Responses.text(200, "pong"))
                .get("/health", r -> Responses.text(200, "ok"), RouteOptions.noAuth())
                .get("/whoami", whoami)
                .get("/events", r -> Responses.eventStream(events -> {
                    events.send(Map.of("self", 1));
                    selfEventsRelease.thenRun(() -> events.end(Map.of("self", 2)));
                }))
                .post("/sum", r -> r.offload(() -> {
                    long total = 0;
                    ByteBuf chunk;
                    while ((chunk = r.bodyStream().read()) != null) {
                        total += chunk.readableBytes();
                        chunk.release();
                    }
                    return Responses.text(200, Long.toString(total));
                }), RouteOptions.streaming())
                .ws("/ws", r -> WebSocketAcceptance.of(null, new Echo("self:")).completed())
                .build();
    }

    int proxyPort() {
        return proxy.port();
    }

    int upstreamPort() {
        return upstream.port();
    }

    /** {@code http://127.0.0.1:<proxy>/proxy/<port><rest>} */
    URI via(int port, String rest) {
        return URI.create("http://127.0.0.1:" + proxyPort() + "/proxy/" + port + rest);
    }

    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header(TOKEN_HEADER, TOKEN);
    }

    @Override
    public void close() {
        proxy.close();
        upstream.close();
        blocking.shutdownNow();
    }
}
