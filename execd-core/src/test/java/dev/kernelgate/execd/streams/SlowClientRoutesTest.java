package dev.kernelgate.execd.streams;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.TestExecd;
import dev.kernelgate.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every streaming route of execd, each read (or written) by a client held to 50 KB/s, all at once: background
 * command logs, a metrics watch the client leaves early, a file download whole and by Range, an upload from a slow
 * writer, the port proxy's HTTP body and its WebSocket tunnel. Each delivers every byte, in order; a client that
 * leaves early leaves the server serving the others. And a command whose process group is killed with SIGKILL in
 * the middle of its output ends its stream with an explicit terminal event after the output up to the kill.
 */
class SlowClientRoutesTest {
    private static final String TOKEN = "slow-client-token";
    private static final String AUTH = "X-EXECD-ACCESS-TOKEN: " + TOKEN + "\r\n";
    private static final int RATE = 50 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path dir;
    static ExecdServer.Running execd;

    @BeforeAll
    static void start() {
        execd = TestExecd.start(dir, TOKEN);
    }

    @AfterAll
    static void stop() {
        execd.close();
    }

    @Test
    @Timeout(300)
    void everyStreamingRouteDeliversEveryByteToSlowClientsAllAtOnce() throws Exception {
        byte[] file = bytes(2 << 20, 1);
        Path download = Files.write(dir.resolve("download.bin"), file);
        byte[] proxied = bytes(1 << 20, 2);
        byte[] tunnelled = bytes(512 << 10, 3);
        byte[] uploaded = bytes(512 << 10, 4);
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, proxied.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(proxied);
            }
        });
        backend.start();
        ExecutorService clients = Executors.newCachedThreadPool();
        try (WebSocketSource ws = new WebSocketSource(tunnelled)) {
            String downloadPath = "/files/download?path=" + URLEncoder.encode(download.toString(),
                    StandardCharsets.UTF_8);
            Map<String, CompletableFuture<?>> cases = new LinkedHashMap<>();
            cases.put("download", run(clients, () -> {
                ThrottledReader.Reply reply = slow().get(execd.port(), downloadPath, AUTH);
                assertEquals(200, reply.status(), reply.head());
                assertArrayEquals(file, reply.body(), "downloaded bytes");
                return null;
            }));
            cases.put("download by Range", run(clients, () -> {
                ThrottledReader.Reply reply = slow().get(execd.port(), downloadPath,
                        AUTH + "Range: bytes=700000-1199999\r\n");
                assertEquals(206, reply.status(), reply.head());
                assertEquals("bytes 700000-1199999/" + file.length, reply.header("Content-Range"));
                assertArrayEquals(Arrays.copyOfRange(file, 700_000, 1_200_000), reply.body(), "the range");
                return null;
            }));
            cases.put("download left early", run(clients, () -> {
                ThrottledReader.Reply reply = slow().getUntil(execd.port(), downloadPath, AUTH, 100_000);
                assertEquals(200, reply.status(), reply.head());
                assertArrayEquals(Arrays.copyOf(file, reply.body().length), reply.body(), "the bytes read");
                return null;
            }));
            cases.put("upload from a slow writer", run(clients, () -> {
                uploadSlowly(dir.resolve("uploaded.bin"), uploaded);
                return null;
            }));
            cases.put("background command logs", run(clients, () -> {
                readLogsSlowly(120_000);
                return null;
            }));
            cases.put("metrics watch left early", run(clients, () -> {
                ThrottledReader.Reply reply = slow().getUntil(execd.port(), "/metrics/watch", AUTH, 600);
                assertEquals(200, reply.status(), reply.head());
                String[] lines = reply.text().split("\n");
                assertTrue(lines.length >= 2, "at least two samples: " + reply.text());
                for (int i = 0; i < lines.length - 1; i++) { // the last may be cut by our leaving
                    assertTrue(Json.MAPPER.readTree(lines[i]).has("cpu_used_pct"), lines[i]);
                }
                return null;
            }));
            cases.put("proxied HTTP body", run(clients, () -> {
                ThrottledReader.Reply reply = slow().get(execd.port(), "/proxy/" + backend.getAddress().getPort()
                        + "/big", AUTH);
                assertEquals(200, reply.status(), reply.head());
                assertArrayEquals(proxied, reply.body(), "proxied bytes");
                return null;
            }));
            cases.put("proxied WebSocket", run(clients, () -> {
                byte[] got = slow().webSocket(execd.port(), "/proxy/" + ws.port() + "/ws", AUTH);
                assertArrayEquals(tunnelled, got, "tunnelled bytes");
                return null;
            }));
            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, CompletableFuture<?>> c : cases.entrySet()) {
                try {
                    c.getValue().get(4, TimeUnit.MINUTES);
                } catch (Exception e) {
                    failures.add(c.getKey() + ": " + (e.getCause() == null ? e : e.getCause()));
                }
            }
            assertEquals(List.of(), failures);
            // The clients that left early left the server serving.
            HttpResponse<String> ping = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + execd.port() + "/ping")).header("X-EXECD-ACCESS-TOKEN", TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ping.statusCode());
        } finally {
            clients.shutdownNow();
            backend.stop(0);
        }
    }

    @Test
    @Timeout(120)
    void aCommandWhoseGroupIsKilledMidOutputEndsWithAnExplicitEventAfterItsOutput() throws Exception {
        Path pidFile = dir.resolve("killed.pid");
        String command = "echo $$ > " + pidFile + "; i=0; while :; do echo $i; i=$((i+1)); done";
        CompletableFuture<String> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return slow().post(execd.port(), "/command", AUTH, Json.MAPPER.writeValueAsString(
                        Map.of("command", command)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile)
                && !Files.readString(pidFile).isBlank());
        long group = Long.parseLong(Files.readString(pidFile).trim());
        // setsid made the shell its group's leader: its pid is the group id. The slow reader is far behind by now.
        Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + group).inheritIO().start();
        assertEquals(0, kill.waitFor(10, TimeUnit.SECONDS) ? kill.exitValue() : -1, "kill -9 of the group");

        List<JsonNode> events = events(stream.get(90, TimeUnit.SECONDS));
        assertEquals("init", events.get(0).path("type").asText());
        JsonNode last = events.get(events.size() - 1);
        assertEquals("error", last.path("type").asText(), "the terminal event: " + last);
        int expected = 0;
        for (JsonNode e : events.subList(1, events.size() - 1)) {
            String type = e.path("type").asText();
            if ("ping".equals(type)) {
                continue;
            }
            assertEquals("stdout", type, e.toString());
            assertEquals(String.valueOf(expected), e.path("text").asText(), "line " + expected);
            expected++;
        }
        assertTrue(expected > 1000, "the kill came in the middle of the output: " + expected + " lines");
        assertEquals("CommandExecError", last.path("error").path("ename").asText(), last.toString());
        assertEquals("137", last.path("error").path("evalue").asText(), "128 + SIGKILL: " + last);
    }

    /** Polls {@code /command/{id}/logs} with the cursor, each read at the rate, until the command is done. */
    private static void readLogsSlowly(int lines) throws Exception {
        String started = slow().post(execd.port(), "/command", AUTH, "{\"command\":\"seq 1 " + lines
                + "\",\"background\":true}");
        String id = events(started).get(0).path("text").asText();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        long cursor = 0;
        boolean finished = false;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            assertTrue(System.nanoTime() < deadline, "logs still incomplete after 3 minutes: " + log.size());
            // Whether it had finished before this read: then this read returns everything that is left.
            boolean wasFinished = finished || !status(id).path("running").asBoolean(true);
            ThrottledReader.Reply chunk = slow().get(execd.port(), "/command/" + id + "/logs?cursor=" + cursor,
                    AUTH);
            assertEquals(200, chunk.status(), chunk.head());
            log.writeBytes(chunk.body());
            cursor = Long.parseLong(chunk.header("EXECD-COMMANDS-TAIL-CURSOR"));
            if (wasFinished && chunk.body().length == 0) {
                break;
            }
            finished = wasFinished;
            if (!wasFinished && chunk.body().length == 0) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> !status(id).path("running").asBoolean(true));
            }
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            expected.append(i).append('\n');
        }
        assertEquals(expected.toString(), log.toString(StandardCharsets.UTF_8), "the command's log");
    }

    private static JsonNode status(String id) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + execd.port()
                + "/command/status/" + id)).header("X-EXECD-ACCESS-TOKEN", TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body());
    }

    /** One metadata + file pair, the body written at the rate; the file on disk is then exactly the bytes. */
    private static void uploadSlowly(Path target, byte[] content) throws Exception {
        String boundary = "----slow-writer";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"; "
                + "filename=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"path\":\"" + target
                + "\"}\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        ThrottledReader.Reply reply = slow().request(execd.port(), "POST", "/files/upload",
                AUTH + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n", body.toByteArray(), RATE);
        assertEquals(200, reply.status(), reply.head() + reply.text());
        assertArrayEquals(content, Files.readAllBytes(target), "uploaded bytes");
    }

    private static ThrottledReader slow() {
        return new ThrottledReader(RATE);
    }

    private static CompletableFuture<Void> run(ExecutorService pool, Callable<Void> body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return body.call();
            } catch (Exception e) {
                throw new IllegalStateException(e.toString(), e);
            }
        }, pool);
    }

    /** Bytes that differ at every offset (a byte out of place shows), from a fixed seed. */
    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<JsonNode> events(String body) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (!block.isBlank()) {
                events.add(Json.MAPPER.readTree(block));
            }
        }
        return events;
    }

    /**
     * A minimal WebSocket server (one connection): answers the handshake, sends its bytes as 64 KB binary frames
     * and a close frame. Its writes block while the proxy does not read, as a real server's do.
     */
    private static final class WebSocketSource implements AutoCloseable {
        private static final Pattern KEY = Pattern.compile("(?i)sec-websocket-key:\\s*(\\S+)");
        private final ServerSocket server = new ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress());
        private final Thread thread;

        WebSocketSource(byte[] data) throws IOException {
            thread = new Thread(() -> serve(data), "websocket-source");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(byte[] data) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(120_000);
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.write(b);
                }
                Matcher key = KEY.matcher(head.toString(StandardCharsets.US_ASCII));
                if (!key.find()) {
                    return;
                }
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                        (key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int at = 0; at < data.length; at += 65_536) {
                    int n = Math.min(65_536, data.length - at);
                    out.write(new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, (byte) (n >>> 24), (byte) (n >>> 16),
                        (byte) (n >>> 8), (byte) n});
                    out.write(data, at, n);
                }
                out.write(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xe8});
                out.flush();
                in.read(); // the client's close frame (or its leaving)
            } catch (Exception e) {
                // the test sees the missing bytes
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
