package dev.kernelgate.execd.command;

import static dev.kernelgate.execd.command.CommandServer.json;
import static dev.kernelgate.execd.command.CommandServer.parse;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.command.CommandServer.Events;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandApiTest {

    @TempDir
    static Path dir;
    static CommandServer server;

    @BeforeAll
    static void start() {
        server = new CommandServer(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Events run(String command) throws Exception {
        return server.command(json(Map.of("command", command)));
    }

    private static JsonNode status(String id) throws Exception {
        HttpResponse<String> r = server.send("GET", "/command/status/" + id, null);
        assertEquals(200, r.statusCode(), r.body());
        return parse(r.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = parse(response.body());
        assertEquals(code, body.path("code").asText(), response.body());
        assertFalse(body.path("message").asText().isEmpty(), response.body());
    }

    @Test
    void echoStreamsOneLineBetweenOneInitAndOneComplete() throws Exception {
        Events events = run("echo hi");
        assertEquals(200, events.status());
        assertTrue(events.contentType().startsWith("text/event-stream"), events.contentType());
        assertEquals(List.of("init", "stdout", "execution_complete"), events.types());
        assertTrue(events.id().matches("[0-9a-f]{32}"), events.id());
        assertEquals(List.of("hi"), events.texts("stdout"));
        assertTrue(events.first("execution_complete").path("execution_time").isIntegralNumber());
        for (JsonNode event : events.all()) {
            assertTrue(event.path("timestamp").asLong() > 1_600_000_000_000L, event.toString());
        }
        JsonNode status = status(events.id());
        assertEquals(events.id(), status.path("id").asText());
        assertEquals("echo hi", status.path("content").asText());
        assertFalse(status.path("running").asBoolean());
        assertEquals(0, status.path("exit_code").asInt());
        assertFalse(status.has("error"));
        assertTrue(status.path("started_at").asText().endsWith("Z"));
        assertTrue(status.has("finished_at"));
    }

    @Test
    void blankLinesAreSentAsNewlines() throws Exception {
        Events events = run("printf 'a\\n\\nb\\n\\n\\nc\\n'");
        assertEquals(List.of("a", "\n", "b", "\n", "\n", "c"), events.texts("stdout"));
        assertEquals(1, events.count("execution_complete"));
    }

    @Test
    void trailingPartialLineIsFlushedAtExit() throws Exception {
        assertEquals(List.of("one", "two"), run("printf 'one\\ntwo'").texts("stdout"));
    }

    @Test
    void nonZeroExitIsAnErrorWithoutComplete() throws Exception {
        Events events = run("echo before; exit 7");
        assertEquals(List.of("init", "stdout", "error"), events.types());
        JsonNode error = events.first("error").path("error");
        assertEquals("CommandExecError", error.path("ename").asText());
        assertEquals("7", error.path("evalue").asText());
        assertEquals("exit status 7", error.path("traceback").get(0).asText());
        JsonNode status = status(events.id());
        assertEquals(7, status.path("exit_code").asInt());
        assertEquals("exit status 7", status.path("error").asText());
    }

    @Test
    void unknownCommandReportsOnStderrAnd127() throws Exception {
        Events events = run("nonexistent-command-kg");
        assertTrue(events.texts("stderr").stream().anyMatch(t -> t.contains("nonexistent-command-kg")),
                events.all().toString());
        assertEquals("127", events.first("error").path("error").path("evalue").asText());
        assertEquals(0, events.count("execution_complete"));
    }

    @Test
    void stderrLinesAreStderrEvents() throws Exception {
        Events events = run("echo out; echo err1 >&2; echo err2 >&2");
        assertEquals(List.of("out"), events.texts("stdout"));
        assertEquals(List.of("err1", "err2"), events.texts("stderr"));
    }

    @Test
    void environmentComesFromProcessFileAndRequest() throws Exception {
        Files.writeString(server.envsFile, "# execd env\n\nFROM_FILE=file\nBOTH=file\nEXPANDED=$HOME/sub\n");
        Events events = server.command(json(Map.of(
                "command", "echo \"$FROM_FILE|$BOTH|$FROM_REQ|$EXPANDED|${PATH:+has-path}\"",
                "envs", Map.of("BOTH", "request", "FROM_REQ", "req"))));
        assertEquals(List.of("file|request|req|" + System.getenv("HOME") + "/sub|has-path"),
                events.texts("stdout"));
        Files.writeString(server.envsFile, "FROM_FILE=changed\n"); // re-read on every run
        assertEquals(List.of("changed"), run("echo $FROM_FILE").texts("stdout"));
        Files.delete(server.envsFile);
        assertEquals(List.of("\n"), run("echo $FROM_FILE").texts("stdout"));
    }

    @Test
    void workingDirectoryExpandsHomeAndVariables() throws Exception {
        String home = Path.of(System.getenv("HOME")).toRealPath().toString();
        for (String cwd : List.of("~", "$HOME", "${HOME}")) {
            Events events = server.command(json(Map.of("command", "pwd -P", "cwd", cwd)));
            assertEquals(List.of(home), events.texts("stdout"), cwd);
        }
        Path sub = Files.createDirectories(dir.resolve("work dir"));
        Events events = server.command(json(Map.of("command", "pwd", "cwd", "$SUB", "envs",
                Map.of("SUB", sub.toString()))));
        assertEquals(List.of(sub.toString()), events.texts("stdout"));
    }

    @Test
    void badWorkingDirectoryIs400() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        for (String cwd : List.of(file.toString(), "/does/not/exist", "$UNDEFINED_KG_VAR/x")) {
            assertError(server.send("POST", "/command", json(Map.of("command", "pwd", "cwd", cwd))), 400,
                    "INVALID_REQUEST_BODY");
        }
    }

    @Test
    void badRequestsAre400() throws Exception {
        assertError(server.send("POST", "/command", "{not json"), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/command", ""), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/command", "[]"), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/command", "{}"), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/command", "{\"command\":\"\"}"), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/command", "{\"command\":42}"), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/command", "{\"command\":\"true\",\"timeout\":-1}"), 400,
                "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/command", "{\"command\":\"true\",\"uid\":-1}"), 400,
                "INVALID_REQUEST_BODY");
        HttpResponse<String> gidOnly = server.send("POST", "/command", "{\"command\":\"id\",\"gid\":0}");
        assertError(gidOnly, 400, "INVALID_REQUEST_BODY");
        assertTrue(gidOnly.body().contains("uid is required when gid is provided"), gidOnly.body());
        assertError(server.send("DELETE", "/command", null), 400, "MISSING_QUERY");
        assertError(server.send("DELETE", "/command?id=", null), 400, "MISSING_QUERY");
        // The server keeps serving.
        assertEquals(List.of("still here"), run("echo still here").texts("stdout"));
    }

    @Test
    void timeoutKillsTheCommand() throws Exception {
        long t0 = System.nanoTime();
        Events events = server.command(json(Map.of("command", "sleep 30", "timeout", 300)));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 10_000, "took " + millis + " ms");
        assertEquals(List.of("init", "error"), events.types());
        assertEquals("-1", events.first("error").path("error").path("evalue").asText());
        assertEquals("signal: killed", events.first("error").path("error").path("traceback").get(0).asText());
        assertEquals(-1, status(events.id()).path("exit_code").asInt());
    }

    @Test
    void backgroundReturnsAtOnceAndInterruptStopsIt() throws Exception {
        long t0 = System.nanoTime();
        Events events = server.command(json(Map.of("command", "sleep 30", "background", true)));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 5_000, "took " + millis + " ms");
        assertEquals(List.of("init", "execution_complete"), events.types());
        String id = events.id();
        JsonNode running = status(id);
        assertTrue(running.path("running").asBoolean());
        assertFalse(running.has("exit_code"));
        assertFalse(running.has("finished_at"));

        HttpResponse<String> interrupted = server.send("DELETE", "/command?id=" + id, null);
        assertEquals(200, interrupted.statusCode(), interrupted.body());
        assertEquals("", interrupted.body());
        await().atMost(Duration.ofSeconds(5)).until(() -> !status(id).path("running").asBoolean());
        JsonNode after = status(id);
        assertEquals(-1, after.path("exit_code").asInt());
        assertEquals("signal: terminated", after.path("error").asText());
        assertTrue(after.has("finished_at"));

        assertError(server.send("DELETE", "/command?id=" + id, null), 500, "RUNTIME_ERROR");
        assertError(server.send("DELETE", "/command?id=0123456789abcdef0123456789abcdef", null), 500,
                "RUNTIME_ERROR");
    }

    @Test
    void interruptStopsAForegroundStream() throws Exception {
        Path pidFile = dir.resolve("fg.pid");
        HttpResponse<InputStream> response = server.open("/command",
                json(Map.of("command", "echo $$ > " + pidFile + "; sleep 30 & echo started; sleep 30")));
        try (InputStream body = response.body()) {
            JsonNode init = parse(readEvent(body));
            assertEquals("init", init.path("type").asText());
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile));
            assertEquals(200, server.send("DELETE", "/command?id=" + init.path("text").asText(), null).statusCode());
            String rest = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rest.contains("\"type\":\"error\"") && rest.contains("\"evalue\":\"-1\""), rest);
            assertFalse(rest.contains("execution_complete"), rest);
        }
        long group = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessGroups.members(group).isEmpty());
    }

    @Test
    void interruptLeavesNoProcessOfTheGroup() throws Exception {
        Path pidFile = dir.resolve("group.pid");
        Events events = server.command(json(Map.of("command",
                "echo $$ > " + pidFile + "; sleep 300 & (sleep 300; echo never) & sleep 300 & wait",
                "background", true)));
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
        long group = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessGroups.members(group).size() >= 4);
        assertEquals(200, server.send("DELETE", "/command?id=" + events.id(), null).statusCode());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessGroups.members(group).isEmpty());
    }

    @Test
    void finishedBackgroundCommandTakesItsGroupAlong() throws Exception {
        Path pidFile = dir.resolve("leftover.pid");
        Events events = server.command(json(Map.of("command", "sleep 300 & echo $$ > " + pidFile,
                "background", true)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !status(events.id()).path("running").asBoolean());
        long group = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessGroups.members(group).isEmpty());
    }

    @Test
    void backgroundLogsAdvanceWithTheCursor() throws Exception {
        Path go = dir.resolve("logs.go");
        Events events = server.command(json(Map.of("command",
                "echo one; echo err >&2; while [ ! -f " + go + " ]; do sleep 0.01; done; echo two",
                "background", true)));
        String id = events.id();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.send("GET", "/command/" + id + "/logs", null)
                .body().equals("one\nerr\n"));
        HttpResponse<String> first = server.send("GET", "/command/" + id + "/logs?cursor=0", null);
        assertEquals(200, first.statusCode());
        assertTrue(first.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        long cursor = Long.parseLong(first.headers().firstValue("EXECD-COMMANDS-TAIL-CURSOR").orElseThrow());
        assertEquals(first.body().length(), cursor);
        Files.writeString(go, "");
        await().atMost(Duration.ofSeconds(5)).until(() -> !status(id).path("running").asBoolean());
        HttpResponse<String> second = server.send("GET", "/command/" + id + "/logs?cursor=" + cursor, null);
        assertEquals("two\n", second.body());
        long next = Long.parseLong(second.headers().firstValue("EXECD-COMMANDS-TAIL-CURSOR").orElseThrow());
        assertEquals(cursor + 4, next);
        HttpResponse<String> whole = server.send("GET", "/command/" + id + "/logs?cursor=bogus", null);
        assertEquals(first.body() + second.body(), whole.body());
        HttpResponse<String> past = server.send("GET", "/command/" + id + "/logs?cursor=" + next, null);
        assertEquals("", past.body());
        assertEquals(Long.toString(next), past.headers().firstValue("EXECD-COMMANDS-TAIL-CURSOR").orElseThrow());

        Events foreground = run("true");
        assertError(server.send("GET", "/command/" + foreground.id() + "/logs", null), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("GET", "/command/nope/logs?cursor=0", null), 400, "INVALID_REQUEST_BODY");
    }

    @Test
    void unknownStatusIs404WithUpstreamCode() throws Exception {
        HttpResponse<String> response = server.send("GET", "/command/status/nope", null);
        assertEquals(404, response.statusCode());
        assertEquals(parse("{\"code\":\"INVALID_REQUEST_BODY\",\"message\":\"command not found: nope\"}"),
                parse(response.body()));
    }

    @Test
    void uidRunsAsNobody() throws Exception {
        Events events = server.command(json(Map.of("command", "id -u; id -g; id -G", "uid", 65534)));
        assertEquals(List.of("65534", "65534", "65534"), events.texts("stdout"), events.all().toString());
        Events withGid = server.command(json(Map.of("command", "id -u; id -g", "uid", 65534, "gid", 100)));
        assertEquals(List.of("65534", "100"), withGid.texts("stdout"), withGid.all().toString());
    }

    @Test
    void clientDisconnectDoesNotStopAForegroundCommand() throws Exception {
        Path go = dir.resolve("disconnect.go");
        Path done = dir.resolve("disconnect.done");
        HttpResponse<InputStream> response = server.open("/command", json(Map.of("command",
                "echo started; while [ ! -f " + go + " ]; do sleep 0.01; done; echo finished > " + done)));
        String id;
        try (InputStream body = response.body()) {
            id = parse(readEvent(body)).path("text").asText();
        }
        Files.writeString(go, "");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(done));
        await().atMost(Duration.ofSeconds(5)).until(() -> !status(id).path("running").asBoolean());
        assertEquals(0, status(id).path("exit_code").asInt());
    }

    @Test
    void leftoverChildHoldingThePipeDoesNotHoldTheStream() throws Exception {
        long t0 = System.nanoTime();
        Events events = run("sleep 5 & echo parent done");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(List.of("init", "stdout", "execution_complete"), events.types());
        assertTrue(millis < 3_000, "took " + millis + " ms");
    }

    @Test
    void pingEvery3Seconds() throws Exception {
        Events events = run("sleep 3.5; echo late");
        assertTrue(events.count("ping") >= 1, events.types().toString());
        assertTrue(events.types().indexOf("ping") > events.types().indexOf("init"), events.types().toString());
        assertEquals("pong", events.first("ping").path("text").asText());
        assertEquals("execution_complete", events.types().get(events.types().size() - 1));
    }

    @Test
    void finishedCommandsAreBounded() throws Exception {
        try (CommandService small = new CommandService(new dev.kernelgate.execd.ExecdConfig("127.0.0.1", 0, "",
                null, null, Duration.ZERO, List.of(), 0, null, dir.resolve("bounded")),
                CommandEnvironment.ofProcess(null), 2)) {
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RecordingListener listener = new RecordingListener();
                small.start(RunCommandRequest.of("echo " + i), listener).get();
                await().atMost(Duration.ofSeconds(5)).until(listener::ended);
                ids.add(listener.id);
            }
            assertFalse(small.contains(ids.get(0)));
            assertFalse(small.contains(ids.get(1)));
            assertTrue(small.contains(ids.get(2)));
            assertTrue(small.contains(ids.get(3)));
        }
    }

    /** One event's JSON from a raw stream (events end with a blank line). */
    static String readEvent(InputStream in) throws Exception {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            s.append((char) c);
            if (s.length() >= 2 && s.charAt(s.length() - 1) == '\n' && s.charAt(s.length() - 2) == '\n') {
                break;
            }
        }
        return s.toString().trim();
    }

    static final class RecordingListener implements ExecutionListener {
        volatile String id;
        volatile boolean complete;
        volatile String evalue;
        final List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void init(String id) {
            this.id = id;
        }

        @Override
        public void stdout(String text) {
            out.add(text);
        }

        @Override
        public void stderr(String text) {
            out.add(text);
        }

        @Override
        public void complete(long executionTimeMillis) {
            complete = true;
        }

        @Override
        public void error(String ename, String evalue, List<String> traceback) {
            this.evalue = evalue;
        }

        boolean ended() {
            return complete || evalue != null;
        }
    }
}
