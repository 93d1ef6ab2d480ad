package dev.kernelgate.notebooks.scenarios;

import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.expect;
import static dev.kernelgate.notebooks.scenarios.ScenarioGateway.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input of every kind, each sent while another client, on another kernel, runs a cell that prints without pause:
 * the bad client gets its status or close code, the printing client gets every line in order and its reply, and the
 * gateway serves normally afterwards.
 *
 * <p>Close codes: where jupyter_server aborts the connection (an exception in {@code on_message} drops the TCP
 * connection, 1006 to the client), Kernelgate closes with 1007 and a reason; oversize messages are 1009 in both.
 */
class BadInputScenariosTest {
    private static final String TOKEN = "bad-input-token";
    private static final String FAKE_ID = "00000000-0000-0000-0000-000000000000";
    private static final String V1 = "v1.kernel.websocket.jupyter.org";
    private static final int INVALID_PAYLOAD = 1007;
    private static final int MESSAGE_TOO_BIG = 1009;
    private static final AtomicInteger LOOPS = new AtomicInteger();

    @TempDir
    static Path dir;
    static ScenarioGateway gw;
    /** The kernel of the well-behaved client, and that client. */
    static String printingKernel;
    static KernelSocket printer;
    /** The kernel the bad client talks to. */
    static String target;

    @BeforeAll
    static void start() throws Exception {
        gw = ScenarioGateway.start(dir, Map.of("KG_AUTH_TOKEN", TOKEN, "KG_LIST_KERNELS", "True"));
        printingKernel = gw.startKernelId("{}");
        target = gw.startKernelId("{}");
        printer = gw.connect(printingKernel);
        printer.kernelInfo();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    // ---- the well-behaved client ---------------------------------------------------------------------------------

    /** A cell on the printing kernel that prints 0, 1, 2, ... until a file appears, then "END n". */
    private record Loop(String msgId, Path stop) {
        static Loop start() {
            Path stop = dir.resolve("stop-" + LOOPS.incrementAndGet());
            String code = String.join("\n",
                    "import os, time",
                    "i = 0",
                    "while not os.path.exists(" + pyString(stop.toString()) + "):",
                    "    print(i, flush=True)",
                    "    i += 1",
                    "    time.sleep(0.002)",
                    "print('END', i, flush=True)");
            Loop loop = new Loop(printer.sendExecute(code), stop);
            loop.awaitMoreLines(0);
            return loop;
        }

        int lines() {
            String out = printer.stdout(msgId);
            return (int) out.chars().filter(c -> c == '\n').count();
        }

        /** Waits until the cell has printed more lines than {@code seen} (plus a few). */
        void awaitMoreLines(int seen) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                    .until(() -> lines() > seen + 3);
        }

        /** Stops the cell and checks every line arrived, in order, and the reply. */
        void finish() throws Exception {
            assertFalse(printer.hasReply(msgId), "the cell was still running during the bad input");
            Files.writeString(stop, "");
            KernelSocket.Execution run = printer.awaitExecution(msgId, Duration.ofSeconds(20));
            assertEquals("ok", run.status(), run.reply().toString());
            List<String> lines = List.of(run.stdout().split("\n"));
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("END "), last);
            int n = Integer.parseInt(last.substring(4));
            assertTrue(n > 5, "printed " + n + " lines");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(Integer.toString(i));
            }
            assertEquals(expected, lines.subList(0, lines.size() - 1), "every line, once, in order");
            assertTrue(printer.isOpen(), "the printing client's connection is still open");
        }
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Runs {@code bad} while the printing cell runs; then checks the printer and that the gateway still serves. */
    private static void whilePrinting(ThrowingRunnable bad) throws Exception {
        Loop loop = Loop.start();
        try {
            bad.run();
        } catch (Exception | AssertionError e) {
            Files.writeString(loop.stop(), ""); // end the cell, so the next scenario is not queued behind it
            throw e;
        }
        // Output keeps flowing to the printing client after the bad input, on the same connection.
        loop.awaitMoreLines(loop.lines());
        loop.finish();
        assertServing();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void assertServing() {
        expect(200, gw.get("/api"));
        assertEquals(target, expect(200, gw.get("/api/kernels/" + target)).path("id").asText());
        KernelSocket fresh = gw.connect(target);
        try {
            assertEquals("ok", fresh.kernelInfo().path("content").path("status").asText());
        } finally {
            fresh.close();
        }
    }

    // ---- the bad client ------------------------------------------------------------------------------------------

    private static KernelSocket badClient() {
        return gw.connect(target);
    }

    private static KernelSocket badV1Client() {
        KernelSocket ws = gw.connect(target, b -> {
        }, "", List.of(V1));
        assertEquals(V1, ws.subprotocol());
        return ws;
    }

    /** Sends one text frame on a fresh connection and returns how the gateway closed it. */
    private static KernelSocket.Close closeAfterText(String frame) {
        KernelSocket ws = badClient();
        ws.sendText(frame);
        return ws.awaitClose();
    }

    private static KernelSocket.Close closeAfterBinary(KernelSocket ws, byte[] frame) {
        ws.sendBinary(frame);
        return ws.awaitClose();
    }

    private static void assertClosed(int code, KernelSocket.Close close, String what) {
        assertEquals(code, close.code(), what + ": " + close);
        if (code == INVALID_PAYLOAD) {
            assertFalse(close.reason().isBlank(), what + ": the close has a reason");
        }
    }

    private static ObjectNode kernelInfoRequest(KernelSocket ws) {
        return ws.message("shell", "kernel_info_request", ScenarioGateway.JSON.createObjectNode());
    }

    @Test
    void malformedJsonTextFrames() throws Exception {
        whilePrinting(() -> {
            for (String frame : List.of("{not json", "", "[1, 2, 3]", "\"a string\"", "42", "null",
                    "{\"header\": {\"msg_id\": \"x\", \"msg_type\": \"kernel_info_request\"", "\u0000\u0001")) {
                assertClosed(INVALID_PAYLOAD, closeAfterText(frame), "text frame '" + frame + "'");
            }
        });
    }

    @Test
    void anUnknownChannel() throws Exception {
        whilePrinting(() -> {
            for (String channel : List.of("nope", "hb", "", "SHELL")) {
                KernelSocket ws = badClient();
                ObjectNode msg = kernelInfoRequest(ws);
                msg.put("channel", channel);
                ws.send(msg);
                // Upstream logs "No such channel" and drops the message; Kernelgate closes the connection.
                assertClosed(INVALID_PAYLOAD, ws.awaitClose(), "channel '" + channel + "'");
            }
        });
    }

    @Test
    void missingHeaderFields() throws Exception {
        whilePrinting(() -> {
            KernelSocket ws = badClient();
            // A header without msg_id and msg_type is dropped; the connection stays usable.
            ObjectNode noIds = kernelInfoRequest(ws);
            ((ObjectNode) noIds.get("header")).remove(List.of("msg_id", "msg_type"));
            ws.sendText(noIds.toString());
            // Missing channel (assumed shell, as upstream), parent_header and metadata (taken as {}) are fine.
            ObjectNode lenient = kernelInfoRequest(ws);
            lenient.remove(List.of("channel", "parent_header", "metadata", "buffers"));
            String msgId = ws.send(lenient);
            JsonNode reply = ws.awaitMessage(KernelSocket.reply(msgId, "kernel_info_reply"));
            assertEquals("ok", reply.path("content").path("status").asText());
            assertTrue(ws.isOpen());
            ws.close();

            // No header at all, or a header that is not an object: the message cannot be sent on.
            KernelSocket noHeader = badClient();
            ObjectNode withoutHeader = kernelInfoRequest(noHeader);
            withoutHeader.remove("header");
            noHeader.sendText(withoutHeader.toString());
            assertClosed(INVALID_PAYLOAD, noHeader.awaitClose(), "no header");

            KernelSocket stringHeader = badClient();
            ObjectNode badHeader = kernelInfoRequest(stringHeader);
            badHeader.put("header", "kernel_info_request");
            stringHeader.sendText(badHeader.toString());
            assertClosed(INVALID_PAYLOAD, stringHeader.awaitClose(), "header is a string");

            KernelSocket badContent = badClient();
            ObjectNode arrayContent = kernelInfoRequest(badContent);
            arrayContent.putArray("metadata");
            badContent.sendText(arrayContent.toString());
            assertClosed(INVALID_PAYLOAD, badContent.awaitClose(), "metadata is an array");
        });
    }

    /** A legacy binary frame: u32be count, u32be offsets, then the JSON and the buffers. */
    private static byte[] legacyBinary(byte[] json, byte[]... buffers) {
        int count = 1 + buffers.length;
        ByteBuffer out = ByteBuffer.allocate(4 * (count + 1) + json.length
                + java.util.Arrays.stream(buffers).mapToInt(b -> b.length).sum());
        out.putInt(count);
        int offset = 4 * (count + 1);
        out.putInt(offset);
        offset += json.length;
        for (byte[] b : buffers) {
            out.putInt(offset);
            offset += b.length;
        }
        out.put(json);
        for (byte[] b : buffers) {
            out.put(b);
        }
        return out.array();
    }

    @Test
    void legacyBinaryFramesWithInconsistentOffsets() throws Exception {
        whilePrinting(() -> {
            // A well-formed binary message (one buffer) is accepted...
            KernelSocket ok = badClient();
            ObjectNode msg = kernelInfoRequest(ok);
            msg.remove("buffers");
            String msgId = msg.path("header").path("msg_id").asText();
            ok.sendBinary(legacyBinary(msg.toString().getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}));
            assertEquals("ok", ok.awaitMessage(KernelSocket.reply(msgId, "kernel_info_reply"))
                    .path("content").path("status").asText());
            ok.close();

            byte[] good = legacyBinary(msg.toString().getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
            List<byte[]> bad = new ArrayList<>();
            bad.add(new byte[] {0, 0});                                    // shorter than a count
            bad.add(withInt(good, 0, 1000));                               // more offsets than the frame holds
            bad.add(withInt(good, 0, 0));                                  // no parts at all
            bad.add(withInt(good, 4, 3));                                  // first offset inside the table
            bad.add(withInt(good, 8, good.length + 10));                   // buffer beyond the end
            bad.add(withInt(good, 8, 13));                                 // buffer before the JSON
            bad.add(withInt(good, 0, -1));                                 // negative count
            for (int i = 0; i < bad.size(); i++) {
                assertClosed(INVALID_PAYLOAD, closeAfterBinary(badClient(), bad.get(i)), "legacy binary #" + i);
            }
        });
    }

    private static byte[] withInt(byte[] frame, int at, int value) {
        byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).putInt(at, value);
        return copy;
    }

    /** A v1 frame: u64le count, u64le offsets, channel, the four JSON parts, buffers. */
    private static byte[] v1Frame(String channel, String... parts) {
        List<byte[]> all = new ArrayList<>();
        all.add(channel.getBytes(StandardCharsets.US_ASCII));
        for (String p : parts) {
            all.add(p.getBytes(StandardCharsets.UTF_8));
        }
        int n = all.size() + 1;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteBuffer table = ByteBuffer.allocate(8 * (n + 1)).order(ByteOrder.LITTLE_ENDIAN);
        table.putLong(n);
        long offset = 8L * (n + 1);
        table.putLong(offset);
        for (byte[] part : all) {
            offset += part.length;
            table.putLong(offset);
            body.writeBytes(part);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(table.array());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] withLong(byte[] frame, int at, long value) {
        byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return copy;
    }

    @Test
    void v1FramesWithInconsistentOffsets() throws Exception {
        whilePrinting(() -> {
            KernelSocket ok = badV1Client();
            ObjectNode msg = kernelInfoRequest(ok);
            String msgId = msg.path("header").path("msg_id").asText();
            byte[] good = v1Frame("shell", msg.get("header").toString(), "{}", "{}", "{}");
            ok.sendBinary(good);
            await().atMost(ScenarioGateway.TIMEOUT).until(() -> ok.binaries().stream()
                    .anyMatch(f -> new String(f, StandardCharsets.UTF_8).contains("kernel_info_reply")
                            && new String(f, StandardCharsets.UTF_8).contains(msgId)));
            ok.close();

            List<byte[]> bad = new ArrayList<>();
            bad.add(new byte[] {1, 2, 3});                                 // shorter than a count
            bad.add(withLong(good, 0, 1_000_000));                         // more offsets than the frame holds
            bad.add(withLong(good, 0, 2));                                 // too few parts
            bad.add(withLong(good, 8, 1));                                 // channel starts inside the table
            bad.add(withLong(good, 24, 2));                                // header ends before it starts
            bad.add(withLong(good, 8 * 6, good.length + 1));               // last part beyond the end
            bad.add(withLong(good, 0, -1));                                // negative count
            bad.add(v1Frame("hb", msg.get("header").toString(), "{}", "{}", "{}"));   // no such channel
            bad.add(v1Frame("shell", msg.get("header").toString(), "{}", "{}"));      // three JSON parts
            for (int i = 0; i < bad.size(); i++) {
                assertClosed(INVALID_PAYLOAD, closeAfterBinary(badV1Client(), bad.get(i)), "v1 frame #" + i);
            }
            // The v1 protocol has no text frames.
            KernelSocket text = badV1Client();
            text.sendText(msg.toString());
            assertClosed(INVALID_PAYLOAD, text.awaitClose(), "text frame on v1");
        });
    }

    @Test
    void oversizeMessagesCloseWith1009() throws Exception {
        whilePrinting(() -> {
            int limit = 10 * 1024 * 1024;
            KernelSocket whole = badClient();
            whole.sendText("x".repeat(limit + 1));
            assertClosed(MESSAGE_TOO_BIG, whole.awaitClose(), "one frame over 10 MiB");

            // Fragments that add up to more than the limit.
            KernelSocket fragmented = badClient();
            String half = "y".repeat(limit / 2 + 1);
            ScenarioGateway.await(fragmented.ws().sendText(half, false));
            ScenarioGateway.await(fragmented.ws().sendText(half, true));
            assertClosed(MESSAGE_TOO_BIG, fragmented.awaitClose(), "fragments over 10 MiB");

            // Just under the limit is a message (a malformed one here, so it is answered with 1007).
            assertClosed(INVALID_PAYLOAD, closeAfterText("z".repeat(limit - 1)), "just under 10 MiB");
        });
    }

    @Test
    void badClientOnTheSameKernel() throws Exception {
        whilePrinting(() -> {
            KernelSocket neighbour = gw.connect(printingKernel);
            neighbour.sendText("{not json");
            assertClosed(INVALID_PAYLOAD, neighbour.awaitClose(), "malformed frame on the printing kernel");
            KernelSocket binary = gw.connect(printingKernel);
            binary.sendBinary(new byte[] {0, 0, 0, 9});
            assertClosed(INVALID_PAYLOAD, binary.awaitClose(), "bad binary frame on the printing kernel");
        });
    }

    @Test
    void unknownKernelIds() throws Exception {
        whilePrinting(() -> {
            String message = "Kernel does not exist: " + FAKE_ID;
            assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"" + message + "\"}"),
                    expect(404, gw.get("/api/kernels/" + FAKE_ID)));
            assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"" + message + "\"}"),
                    expect(404, gw.delete("/api/kernels/" + FAKE_ID)));
            assertEquals(json("{\"message\":\"" + message + "\",\"reason\":null}"),
                    expect(404, gw.post("/api/kernels/" + FAKE_ID + "/interrupt", "{}")));
            assertEquals(json("{\"message\":\"" + message + "\",\"reason\":null}"),
                    expect(404, gw.post("/api/kernels/" + FAKE_ID + "/restart", "{}")));
            for (String id : List.of("not-a-kernel", "1-2-3-4", "../../etc/passwd", "%00")) {
                assertEquals(json("{\"reason\":\"Not Found\",\"message\":\"\"}"),
                        expect(404, gw.get("/api/kernels/" + id)), id);
            }
            // The WebSocket is refused before the upgrade.
            assertEquals(404, gw.refusedUpgradeStatus("/api/kernels/" + FAKE_ID + "/channels",
                    b -> b.header("Authorization", "token " + TOKEN)));
            assertEquals(404, gw.refusedUpgradeStatus("/api/kernels/not-a-kernel/channels",
                    b -> b.header("Authorization", "token " + TOKEN)));
        });
    }

    @Test
    void wrongOrMissingTokens() throws Exception {
        whilePrinting(() -> {
            for (int i = 0; i < 20; i++) {
                assertEquals(401, gw.send(gw.rawRequest("/api/kernels/" + target)).statusCode());
                assertEquals(401, gw.send(gw.rawRequest("/api/kernels/" + target)
                        .header("Authorization", "token wrong-" + i)).statusCode());
                assertEquals(401, gw.send(gw.rawRequest("/api/kernels?token=" + "x".repeat(i))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode());
            }
            String channels = "/api/kernels/" + printingKernel + "/channels";
            assertEquals(401, gw.refusedUpgradeStatus(channels, b -> {
            }));
            assertEquals(401, gw.refusedUpgradeStatus(channels, b -> b.header("Authorization", "token wrong")));
            assertEquals(401, gw.refusedUpgradeStatus(channels + "?token=wrong", b -> {
            }));
        });
    }

    @Test
    void nonJsonPostBodies() throws Exception {
        whilePrinting(() -> {
            JsonNode invalid = json("{\"reason\":\"Bad Request\",\"message\":\"Invalid JSON in body of request\"}");
            for (String body : List.of("not json", "{", "{\"name\":", "\u0000\u0001\u0002", "{\"name\": python3}",
                    "[1, 2]", "'single quotes'")) {
                assertEquals(invalid, expect(400, gw.post("/api/kernels", body)), body);
            }
            HttpResponse<String> bytes = gw.send(gw.request("/api/kernels").header("Content-Type",
                    "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {
                        (byte) 0xff, (byte) 0xfe, 0, 1})));
            assertEquals(invalid, expect(400, bytes));
            assertEquals(invalid, expect(400, gw.post("/api/sessions", "not json")));
        });
    }

    @Test
    void envThatIsNotAnObject() throws Exception {
        whilePrinting(() -> {
            for (String env : List.of("[]", "\"KERNEL_X=1\"", "1", "true", "null")) {
                assertEquals(json("{\"reason\":\"Bad Request\",\"message\":\"\"}"),
                        expect(400, gw.post("/api/kernels", "{\"name\":\"python3\",\"env\":" + env + "}")), env);
            }
        });
    }
}
