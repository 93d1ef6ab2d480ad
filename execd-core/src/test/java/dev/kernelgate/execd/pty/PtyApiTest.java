package dev.kernelgate.execd.pty;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.TestExecd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /pty}: real shells on real pseudo-terminals behind the assembled execd, driven by a WebSocket client. */
class PtyApiTest {
    private static final String TOKEN = "pty-test-token";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static ExecdServer.Running execd;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        execd = TestExecd.start(dir, TOKEN);
    }

    @AfterAll
    static void stop() {
        execd.close();
    }

    static HttpResponse<String> call(ExecdServer.Running server, String method, String path, String body,
                                     String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("X-EXECD-ACCESS-TOKEN", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> call(String method, String path, String body) throws Exception {
        return call(execd, method, path, body, TOKEN);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return TerminalClient.JSON.readTree(response.body());
    }

    static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, json(response).path("code").asText(), response.body());
        assertFalse(json(response).path("message").asText().isEmpty(), response.body());
    }

    static String create(ExecdServer.Running server, String body) throws Exception {
        HttpResponse<String> response = call(server, "POST", "/pty", body, TOKEN);
        assertEquals(201, response.statusCode(), response.body());
        String id = json(response).path("session_id").asText();
        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
        return id;
    }

    static String create() throws Exception {
        return create(execd, "{}");
    }

    static URI ws(ExecdServer.Running server, String id, String query) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/pty/" + id + "/ws" + (query == null ? "" : query));
    }

    /** A client attached to {@code id}, past its {@code connected} frame. */
    static TerminalClient attach(ExecdServer.Running server, String id, String query) {
        TerminalClient client = TerminalClient.connect(http, ws(server, id, query), TOKEN);
        await().atMost(PATIENCE).until(() -> !client.texts("connected").isEmpty());
        JsonNode connected = client.texts("connected").get(0);
        assertEquals(id, connected.path("session_id").asText());
        assertEquals(query != null && query.contains("pty=0") ? "pipe" : "pty", connected.path("mode").asText());
        return client;
    }

    static TerminalClient attach(String id) {
        return attach(execd, id, null);
    }

    /** The handshake's HTTP status and body when the server refuses the upgrade. */
    static WebSocketHandshakeException refused(URI uri, String token) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> TerminalClient.connect(http, uri, token));
        assertTrue(e.getCause() instanceof WebSocketHandshakeException, String.valueOf(e.getCause()));
        return (WebSocketHandshakeException) e.getCause();
    }

    /** Runs {@code line}; {@code marker} must be printed by the command only, never by its echo. */
    static void run(TerminalClient client, String line, String marker) {
        client.type(line + "\n");
        await().atMost(PATIENCE).until(() -> client.output().contains(marker));
    }

    static long pid(TerminalClient client, String name) {
        Matcher m = Pattern.compile(name + "=(\\d+)\\.").matcher(client.output());
        assertTrue(m.find(), client.output());
        return Long.parseLong(m.group(1));
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void createStatusAndDelete() throws Exception {
        Path cwd = dir.resolve("made/for/pty");
        String id = create(execd, TerminalClient.JSON.writeValueAsString(
                Map.of("cwd", cwd.toString())));
        assertTrue(Files.isDirectory(cwd), "cwd is created");
        JsonNode status = json(call("GET", "/pty/" + id, null));
        assertEquals(id, status.path("session_id").asText());
        assertFalse(status.path("running").asBoolean(true), "the shell starts with the first socket");
        assertEquals(0, status.path("output_offset").asLong(-1));

        try (TerminalClient client = attach(id)) {
            run(client, "pwd; echo done-$((40+2))", "done-42");
            assertTrue(client.output().contains(cwd.toString()), client.output());
            JsonNode running = json(call("GET", "/pty/" + id, null));
            assertTrue(running.path("running").asBoolean(), running.toString());
            assertTrue(running.path("output_offset").asLong() >= client.outputBytes().length, running.toString());
        }

        HttpResponse<String> deleted = call("DELETE", "/pty/" + id, null);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertError(call("GET", "/pty/" + id, null), 404, "CONTEXT_NOT_FOUND");
        assertError(call("DELETE", "/pty/" + id, null), 404, "CONTEXT_NOT_FOUND");
        // No body at all is fine, as upstream.
        assertEquals(201, call("POST", "/pty", null).statusCode());
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        assertError(call("POST", "/pty", "{\"cwd\":"), 400, "INVALID_REQUEST_BODY");
        assertError(call("POST", "/pty", "[1,2]"), 400, "INVALID_REQUEST_BODY");
        assertError(call("POST", "/pty", "{\"cwd\":5}"), 400, "INVALID_REQUEST_BODY");
        assertError(call("POST", "/pty", "{\"command\":[\"ls\"]}"), 400, "INVALID_REQUEST_BODY");
        assertError(call("POST", "/pty", "{\"cwd\":\"$NO_SUCH_VARIABLE_HERE/x\"}"), 500, "RUNTIME_ERROR");
        assertError(call("GET", "/pty/no-such-session", null), 404, "CONTEXT_NOT_FOUND");
        assertError(call("DELETE", "/pty/no-such-session", null), 404, "CONTEXT_NOT_FOUND");

        WebSocketHandshakeException unknown = refused(ws(execd, "no-such-session", null), TOKEN);
        assertEquals(404, unknown.getResponse().statusCode());
        String id = create();
        assertEquals(400, refused(ws(execd, id, "?since=abc"), TOKEN).getResponse().statusCode());

        // The token rule of every other route.
        assertEquals(401, call(execd, "POST", "/pty", "{}", null).statusCode());
        assertEquals(401, call(execd, "GET", "/pty/" + id, null, "wrong").statusCode());
        assertEquals(401, call(execd, "DELETE", "/pty/" + id, null, null).statusCode());
        assertEquals(401, refused(ws(execd, id, null), "wrong").getResponse().statusCode());
        assertFalse(json(call("GET", "/pty/" + id, null)).path("running").asBoolean(true), "nothing started");
    }

    @Test
    void aShellThatCannotStartIsReportedOnTheSocket() throws Exception {
        Path gone = Files.createDirectories(dir.resolve("removed-before-start"));
        String id = create(execd, TerminalClient.JSON.writeValueAsString(Map.of("cwd", gone.toString())));
        Files.delete(gone);
        TerminalClient client = TerminalClient.connect(http, ws(execd, id, null), TOKEN);
        TerminalClient.Close close = client.closed.get(20, TimeUnit.SECONDS);
        assertEquals(1011, close.code());
        assertEquals("START_FAILED", client.texts("error").get(0).path("code").asText(), client.texts().toString());
        assertFalse(json(call("GET", "/pty/" + id, null)).path("running").asBoolean(true));
    }

    @Test
    void theShellHasARealTerminalThatResizes() throws Exception {
        try (TerminalClient client = attach(create())) {
            run(client, "tty; echo tty-$((1+1))", "tty-2");
            assertTrue(Pattern.compile("/dev/pts/\\d+").matcher(client.output()).find(), client.output());
            run(client, "stty size; echo size-$((2+1))", "size-3");
            assertTrue(client.output().contains("24 80"), "starts at 80x24: " + client.output());

            client.sendText("{\"type\":\"resize\",\"cols\":132,\"rows\":43}");
            run(client, "stty size; echo size-$((3+1))", "size-4");
            assertTrue(client.output().contains("43 132"), client.output());
            // The shell leads a session of its own with the terminal as its controlling tty.
            run(client, "ps -o sid=,pgid=,tty= -p $$; echo ps-$((4+1))", "ps-5");
            assertTrue(Pattern.compile("(\\d+)\\s+\\1\\s+pts/\\d+").matcher(client.output()).find(),
                    client.output());
        }
    }

    @Test
    void pipeModeKeepsStderrApart() throws Exception {
        try (TerminalClient client = attach(execd, create(), "?pty=0")) {
            client.type("echo out-$((1+1)); echo err-$((2+2)) >&2; tty || echo no-tty-$((3+3))\n");
            await().atMost(PATIENCE).until(() -> client.output().contains("no-tty-6")
                    && client.errors().contains("err-4"));
            assertTrue(client.output().contains("out-2"), client.output());
            assertFalse(client.output().contains("err-4"), client.output());
            assertTrue(client.output().contains("not a tty"), client.output());
            // No window to resize: accepted and ignored, as upstream.
            client.sendText("{\"type\":\"resize\",\"cols\":100,\"rows\":30}");
            client.type("exit 3\n");
            assertEquals(1000, client.closed.get(20, TimeUnit.SECONDS).code());
            assertEquals(3, client.texts("exit").get(0).path("exit_code").asInt());
            assertTrue(client.texts("error").isEmpty(), client.texts().toString());
        }
    }

    @Test
    void stdinWaitingForAShellThatDoesNotReadIsBounded() throws Exception {
        try (TerminalClient client = attach(execd, create(), "?pty=0")) {
            client.type("sleep 5; echo woke-$((2*21))\n");
            byte[] comments = new byte[64 * 1024];
            Arrays.fill(comments, (byte) '#');
            comments[comments.length - 1] = '\n';
            // A pipe holds 64 KiB, the backlog 1 MiB: some of 2.5 MiB must be refused while the shell sleeps.
            for (int i = 0; i < 40; i++) {
                client.stdin(comments);
            }
            await().atMost(PATIENCE).until(() -> !client.texts("error").isEmpty());
            JsonNode error = client.texts("error").get(0);
            assertEquals("STDIN_WRITE_FAILED", error.path("code").asText(), error.toString());
            assertTrue(error.path("error").asText().contains("backlog"), error.toString());

            // The socket stays, and what was taken reaches the shell once it reads again; a line typed while the
            // backlog is still full is refused in turn, so type it until it is taken.
            await().atMost(PATIENCE).until(() -> client.output().contains("woke-42"));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                int refused = client.texts("error").size();
                client.type("echo drained-$((3*21))\n");
                await().atMost(PATIENCE).until(() -> client.texts("error").size() > refused
                        || client.output().contains("drained-63"));
                return client.output().contains("drained-63");
            });
            assertTrue(client.output().indexOf("woke-42") < client.output().indexOf("drained-63"), client.output());
        }
    }

    @Test
    void ctrlCInterruptsTheForegroundJob() throws Exception {
        try (TerminalClient client = attach(create())) {
            // A prompt only the shell prints (its echo reads [rea''dy]).
            run(client, "PS1='[rea''dy]> '", "[ready]> ");
            int mark = client.output().length();
            client.type("sleep 100; echo slept-$((6*6))\n");
            // The line's echo ending: the shell has taken the line and runs it.
            await().atMost(PATIENCE).until(() -> client.output().indexOf("$((6*6))\r\n", mark) >= 0);
            long started = System.nanoTime();
            // A Ctrl-C in the instant the shell hands the terminal to the job can reach neither: press it again
            // until the prompt is back, as a user would.
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> {
                if (client.output().indexOf("[ready]> ", mark) >= 0) {
                    return true;
                }
                client.stdin(new byte[] {0x03});
                return false;
            });
            assertTrue(client.output().indexOf("^C", mark) >= 0, client.output());
            run(client, "echo back-$((7*7))", "back-49");
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 60, "the sleep was cut short");
            assertFalse(client.output().contains("slept-36"), "the whole line was interrupted");
        }
    }

    @Test
    void aReconnectReplaysWhatWasMissedInOrder() throws Exception {
        String id = create();
        TerminalClient first = attach(id);
        run(first, "echo one-$((10+1))", "one-11");
        await().atMost(PATIENCE).until(() -> json(call("GET", "/pty/" + id, null)).path("output_offset").asLong()
                == first.outputBytes().length);
        long seen = first.outputBytes().length;
        first.type("sleep 1; for i in 1 2 3; do echo missed-$((i*100)); done\n");
        first.close();
        first.closed.get(20, TimeUnit.SECONDS);
        // The output goes on while nobody is attached.
        await().atMost(PATIENCE).until(() -> json(call("GET", "/pty/" + id, null)).path("output_offset").asLong()
                > seen + 40);

        try (TerminalClient second = attachOnceFree(id, "?since=" + seen)) {
            TerminalClient.Binary replay = second.binaries().get(0);
            assertEquals(0x03, replay.channel(), "the replay comes first");
            ByteBuffer header = ByteBuffer.wrap(replay.payload());
            assertEquals(seen, header.getLong(), "the replay starts where the first client stopped");
            await().atMost(PATIENCE).until(() -> second.output().contains("missed-300"));
            String all = second.output();
            assertTrue(all.indexOf("missed-100") < all.indexOf("missed-200")
                    && all.indexOf("missed-200") < all.indexOf("missed-300"), all);
            assertFalse(all.contains("one-11"), "nothing seen before is sent again: " + all);

            run(second, "echo two-$((20+2))", "two-22");
        }

        // From 0: everything, the first client's output as its prefix.
        try (TerminalClient third = attach(execd, id, "?since=0&takeover=1")) {
            TerminalClient.Binary replay = third.binaries().get(0);
            assertEquals(0x03, replay.channel());
            byte[] history = Arrays.copyOfRange(replay.payload(), 8, replay.payload().length);
            assertEquals(0, ByteBuffer.wrap(replay.payload()).getLong());
            assertArrayEquals(first.outputBytes(), Arrays.copyOf(history, first.outputBytes().length));
            assertTrue(new String(history, StandardCharsets.UTF_8).contains("two-22"));
        }
    }

    /** Attaches as soon as the previous client's close has reached the server (409 until then). */
    private static TerminalClient attachOnceFree(String id, String query) {
        AtomicReference<TerminalClient> client = new AtomicReference<>();
        await().atMost(PATIENCE).ignoreException(CompletionException.class)
                .until(() -> client.compareAndSet(null, attach(execd, id, query)));
        return client.get();
    }

    @Test
    void aClientThatDoesNotReadHoldsTheShellBackAndLosesNothing() throws Exception {
        String id = create();
        int lines = 3_000_000; // about 24 MB with the terminal's \r\n: more than loopback's socket buffers hold
        long size = 0;
        for (int i = 1; i <= lines; i++) {
            size += String.valueOf(i).length() + 2;
        }
        try (TerminalClient client = attach(id)) {
            run(client, "echo go-$((1+2))", "go-3");
            client.pause();
            client.type("seq 1 " + lines + "; echo end-$((2+3))\n");
            // The shell stalls short of its output and stays there.
            AtomicLong last = new AtomicLong(-1);
            await().pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60))
                    .until(() -> last.getAndSet(offset(id)) == last.get());
            assertTrue(last.get() < size, "output_offset " + last.get() + " of " + size);

            client.resume();
            await().atMost(Duration.ofSeconds(60)).until(() -> client.tail(100).contains("end-5"));
            // Lines apart by \r or \n, less the terminal's escape sequences (bash's bracketed-paste switches).
            List<String> numbers = Arrays.stream(client.output().split("[\\r\\n]+"))
                    .map(line -> line.replaceAll("\u001b\\[[?0-9;]*[A-Za-z]", ""))
                    .filter(line -> line.matches("\\d+")).toList();
            assertEquals(lines, numbers.size());
            for (int i = 0; i < lines; i++) {
                assertEquals(String.valueOf(i + 1), numbers.get(i), "line " + i);
            }
        }
        // Reconnecting from 0 gets what is left: the last MiB, from its absolute offset.
        try (TerminalClient late = attachOnceFree(id, "?since=0")) {
            TerminalClient.Binary replay = late.binaries().get(0);
            long total = offset(id);
            assertEquals(ReplayBuffer.DEFAULT_CAPACITY + 8, replay.payload().length);
            assertEquals(total - ReplayBuffer.DEFAULT_CAPACITY, ByteBuffer.wrap(replay.payload()).getLong());
        }
    }

    private static long offset(String id) throws Exception {
        return json(call("GET", "/pty/" + id, null)).path("output_offset").asLong();
    }

    @Test
    void exitEndsTheSessionAndClosesTheSocket() throws Exception {
        String id = create();
        TerminalClient client = attach(id);
        run(client, "echo bye-$((8+8))", "bye-16");
        client.type("exit 7\n");
        TerminalClient.Close close = client.closed.get(20, TimeUnit.SECONDS);
        assertEquals(1000, close.code());
        assertEquals("process exited", close.reason());
        List<JsonNode> exits = client.texts("exit");
        assertEquals(1, exits.size(), client.texts().toString());
        assertEquals(7, exits.get(0).path("exit_code").asInt());
        await().atMost(PATIENCE).until(() -> !json(call("GET", "/pty/" + id, null)).path("running")
                .asBoolean(true));

        // A signal frame reaches the shell's group too.
        try (TerminalClient again = attach(id)) {
            run(again, "echo again-$((9+9))", "again-18");
            again.sendText("{\"type\":\"signal\",\"signal\":\"SIGKILL\"}");
            assertEquals(1000, again.closed.get(20, TimeUnit.SECONDS).code());
            assertEquals(137, again.texts("exit").get(0).path("exit_code").asInt());
        }
    }

    @Test
    void oneClientAtATimeUnlessItTakesOver() throws Exception {
        String id = create();
        TerminalClient first = attach(id);
        run(first, "export MARK=kept; echo first-$((3*11))", "first-33");

        WebSocketHandshakeException busy = refused(ws(execd, id, null), TOKEN);
        assertEquals(409, busy.getResponse().statusCode());
        assertTrue(String.valueOf(busy.getResponse().body()).contains("ALREADY_CONNECTED")
                || busy.getResponse().body() == null, String.valueOf(busy.getResponse().body()));

        try (TerminalClient second = attach(execd, id, "?takeover=1")) {
            TerminalClient.Close evicted = first.closed.get(20, TimeUnit.SECONDS);
            assertEquals(4001, evicted.code());
            assertEquals("TAKEN_OVER", evicted.reason());
            run(second, "echo \"$MARK\"-$((4*11))", "kept-44");
        }
    }

    @Test
    void badFramesGetErrorFramesAndTheSocketStays() throws Exception {
        try (TerminalClient client = attach(create())) {
            client.sendText("not json");
            client.sendText("[1]");
            client.sendText("{\"type\":\"dance\"}");
            client.sendText("{\"type\":\"resize\",\"cols\":0,\"rows\":10}");
            client.sendText("{\"type\":\"resize\",\"cols\":\"wide\",\"rows\":10}");
            client.sendText("{\"type\":\"signal\",\"signal\":\"SIGFOO\"}");
            client.sendText("{\"type\":\"stdin\",\"data\":7}");
            client.sendBinary(ByteBuffer.wrap(new byte[] {0x05, 'x'}));
            client.sendBinary(ByteBuffer.allocate(0));
            await().atMost(PATIENCE).until(() -> client.texts("error").size() == 9);
            for (JsonNode error : client.texts("error")) {
                assertEquals("INVALID_FRAME", error.path("code").asText(), error.toString());
                assertFalse(error.path("error").asText().isEmpty(), error.toString());
            }
            assertTrue(client.texts("error").get(2).path("error").asText().contains("dance"));

            client.sendText("{\"type\":\"ping\"}");
            await().atMost(PATIENCE).until(() -> client.texts("pong").size() == 1);
            client.sendText("{\"type\":\"stdin\",\"data\":\"echo text-$((6+7))\\n\"}");
            await().atMost(PATIENCE).until(() -> client.output().contains("text-13"));
        }
    }

    @Test
    void twentySessionsStayApart() throws Exception {
        int count = 20;
        List<TerminalClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                TerminalClient client = attach(create());
                client.type("export N=" + i + "; cd /; echo \"n$N-$((N*1000+7))\"\n");
                clients.add(client);
            }
            for (int i = 0; i < count; i++) {
                TerminalClient client = clients.get(i);
                String mine = "n" + i + "-" + (i * 1000 + 7);
                await().atMost(PATIENCE).until(() -> client.output().contains(mine));
                for (int j = 0; j < count; j++) {
                    if (j != i) {
                        assertFalse(client.output().contains("n" + j + "-" + (j * 1000 + 7)),
                                "session " + i + " saw session " + j + "'s output");
                    }
                }
            }
            List<String> ttys = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                TerminalClient client = clients.get(i);
                run(client, "echo \"tty=$(tty)-$((N+500))\"", "-" + (i + 500));
                Matcher m = Pattern.compile("tty=(/dev/pts/\\d+)-").matcher(client.output());
                assertTrue(m.find(), client.output());
                ttys.add(m.group(1));
            }
            assertEquals(count, ttys.stream().distinct().count(), "a terminal each: " + ttys);
        } finally {
            clients.forEach(TerminalClient::close);
        }
    }

    @Test
    void deleteKillsTheShellWithEverythingItStarted() throws Exception {
        String id = create();
        TerminalClient client = attach(id);
        // A background job lands in a process group of its own; the foreground one too.
        run(client, "sleep 300 & echo \"bg=$!.\"; echo \"sh=$$.\"", "sh=");
        long background = pid(client, "bg");
        long shell = pid(client, "sh");
        client.type("sleep 301\n");
        await().atMost(PATIENCE).until(() -> client.output().contains("sleep 301"));
        assertTrue(alive(background) && alive(shell));

        assertEquals(200, call("DELETE", "/pty/" + id, null).statusCode());
        await().atMost(PATIENCE).until(() -> !alive(background) && !alive(shell));
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("")
                .equals("sleep 301")), "the foreground job is gone");
        assertEquals(1000, client.closed.get(20, TimeUnit.SECONDS).code());
        assertEquals(-1, client.texts("exit").get(0).path("exit_code").asInt());
    }

    @Test
    void sessionsAreCappedWithAClearError(@TempDir Path own) throws Exception {
        ExecdServer.Running server = TestExecd.start(own, TOKEN);
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < PtySessions.MAX_SESSIONS; i++) {
                ids.add(create(server, "{}"));
            }
            HttpResponse<String> refused = call(server, "POST", "/pty", "{}", TOKEN);
            assertError(refused, 429, "RUNTIME_ERROR");
            assertTrue(json(refused).path("message").asText().contains("DELETE /pty"), refused.body());
            assertEquals(200, call(server, "DELETE", "/pty/" + ids.get(0), null, TOKEN).statusCode());
            create(server, "{}");
        } finally {
            server.close();
        }
    }

    @Test
    void closingExecdKillsEveryShell(@TempDir Path own) throws Exception {
        ExecdServer.Running server = TestExecd.start(own, TOKEN);
        long background;
        long shell;
        String id;
        try {
            id = create(server, "{}");
            TerminalClient client = attach(server, id, null);
            run(client, "sleep 302 & echo \"bg=$!.\"; echo \"sh=$$.\"", "sh=");
            background = pid(client, "bg");
            shell = pid(client, "sh");
            assertTrue(alive(background) && alive(shell));
        } finally {
            server.close();
        }
        await().atMost(PATIENCE).until(() -> !alive(background) && !alive(shell));
        assertNotEquals("", id);
    }
}
