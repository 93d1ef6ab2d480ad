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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionApiTest {

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

    private static String create(String body) throws Exception {
        HttpResponse<String> response = server.send("POST", "/session", body);
        assertEquals(200, response.statusCode(), response.body());
        String id = parse(response.body()).path("session_id").asText();
        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
        return id;
    }

    private static Events run(String session, Object body) throws Exception {
        return server.stream("/session/" + session + "/run", json(body));
    }

    private static Events run(String session, String command) throws Exception {
        return run(session, Map.of("command", command));
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, parse(response.body()).path("code").asText(), response.body());
    }

    @Test
    void stateCarriesOverBetweenRuns() throws Exception {
        Path start = dir.resolve("new/session/dir");
        String session = create(json(Map.of("cwd", start.toString())));
        assertTrue(Files.isDirectory(start), "created");

        Events pwd = run(session, "pwd");
        assertEquals(List.of("init", "stdout", "execution_complete"), pwd.types());
        assertEquals(session, pwd.id());
        assertEquals(List.of(start.toString()), pwd.texts("stdout"));

        assertEquals(List.of(), run(session, "export A=1; B=local").texts("stdout"));
        assertEquals(List.of("1|"), run(session, "echo \"$A|$B\"").texts("stdout"));

        run(session, "export TRICKY=$'two\\nlines \"q\" $x \\\\'");
        assertEquals(List.of("two", "lines \"q\" $x \\"), run(session, "printf '%s\\n' \"$TRICKY\"").texts("stdout"));

        run(session, "cd /tmp");
        assertEquals(List.of("/tmp"), run(session, "pwd").texts("stdout"));

        Events override = run(session, Map.of("command", "pwd", "cwd", start.toString()));
        assertEquals(List.of(start.toString()), override.texts("stdout"));
        assertEquals(List.of(start.toString()), run(session, "pwd").texts("stdout"), "a cwd override persists");

        run(session, "unset A");
        assertEquals(List.of("unset"), run(session, "echo ${A-unset}").texts("stdout"));
        assertEquals(List.of(), run(session, "true").texts("stdout"), "no state leaks into the output");
        List<String> shlvl = run(session, "echo $SHLVL").texts("stdout");
        assertEquals(shlvl, run(session, "echo $SHLVL").texts("stdout"), "SHLVL does not creep");
        assertEquals(shlvl, run(session, "echo $SHLVL").texts("stdout"), "SHLVL does not creep");
    }

    @Test
    void exitCodeIsTheErrorValue() throws Exception {
        String session = create("{}");
        Events events = run(session, "echo out; echo err >&2; exit 7");
        assertEquals(List.of("init", "stdout", "stdout", "error"), events.types(), "stderr is merged");
        assertEquals(List.of("out", "err"), events.texts("stdout"));
        JsonNode error = events.first("error").path("error");
        assertEquals("CommandExecError", error.path("ename").asText());
        assertEquals("7", error.path("evalue").asText());
        assertEquals(0, events.count("execution_complete"));

        Events failed = run(session, "false");
        assertEquals("1", failed.first("error").path("error").path("evalue").asText());
        Events traced = run(session, "set -x; echo traced");
        assertEquals(List.of("+ echo traced", "traced"), traced.texts("stdout"), "the state dump is not traced");
    }

    @Test
    void blankLinesFollowTheCommandRules() throws Exception {
        String session = create("");
        assertEquals(List.of("a", "\n", "b"), run(session, "printf 'a\\n\\nb\\n'").texts("stdout"));
        assertEquals(List.of("partial"), run(session, "printf partial").texts("stdout"));
    }

    @Test
    void timeoutKillsTheRun() throws Exception {
        String session = create("{}");
        Events events = run(session, Map.of("command", "sleep 30", "timeout", 300));
        assertEquals(List.of("init", "error"), events.types());
        assertEquals("-1", events.first("error").path("error").path("evalue").asText());
        assertEquals(List.of("ok"), run(session, "echo ok").texts("stdout"), "the session survives");
    }

    @Test
    void clientDisconnectKillsTheRun() throws Exception {
        String session = create("{}");
        Path pidFile = dir.resolve("session.pid");
        HttpResponse<InputStream> response = server.open("/session/" + session + "/run",
                json(Map.of("command", "echo $$ > " + pidFile + "; sleep 300")));
        try (InputStream body = response.body()) {
            assertEquals("init", parse(CommandApiTest.readEvent(body)).path("type").asText());
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
        }
        long group = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessGroups.members(group).isEmpty());
    }

    @Test
    void deleteKillsRunningRunsAndForgetsTheSession() throws Exception {
        String session = create("{}");
        Path pidFile = dir.resolve("delete.pid");
        HttpResponse<InputStream> response = server.open("/session/" + session + "/run",
                json(Map.of("command", "echo $$ > " + pidFile + "; sleep 300")));
        try (InputStream body = response.body()) {
            assertEquals("init", parse(CommandApiTest.readEvent(body)).path("type").asText());
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
            HttpResponse<String> deleted = server.send("DELETE", "/session/" + session, null);
            assertEquals(200, deleted.statusCode(), deleted.body());
            assertEquals("", deleted.body());
            String rest = new String(body.readAllBytes());
            assertTrue(rest.contains("\"evalue\":\"-1\""), rest);
        }
        assertError(server.send("DELETE", "/session/" + session, null), 404, "CONTEXT_NOT_FOUND");
        assertError(server.send("POST", "/session/" + session + "/run", "{\"command\":\"true\"}"), 500,
                "RUNTIME_ERROR");
    }

    @Test
    void commandInterruptClosesASession() throws Exception {
        String session = create("{}");
        assertEquals(200, server.send("DELETE", "/command?id=" + session, null).statusCode());
        assertError(server.send("DELETE", "/session/" + session, null), 404, "CONTEXT_NOT_FOUND");
    }

    @Test
    void badInput() throws Exception {
        assertError(server.send("POST", "/session", "{oops"), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/session", "{\"cwd\":\"$UNDEFINED_KG_VAR\"}"), 500, "RUNTIME_ERROR");
        String session = create("{}");
        assertError(server.send("POST", "/session/" + session + "/run", "{oops"), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/session/" + session + "/run", "{}"), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/session/" + session + "/run",
                "{\"command\":\"pwd\",\"cwd\":\"/does/not/exist\"}"), 400, "INVALID_REQUEST_BODY");
        assertError(server.send("POST", "/session/" + session + "/run",
                "{\"command\":\"pwd\",\"timeout\":-5}"), 400, "INVALID_REQUEST_BODY");
        HttpResponse<String> unknown = server.send("POST", "/session/no-such-session/run", "{\"command\":\"pwd\"}");
        assertError(unknown, 500, "RUNTIME_ERROR");
        assertTrue(unknown.body().contains("context not found"), unknown.body());
        assertError(server.send("DELETE", "/session/no-such-session", null), 404, "CONTEXT_NOT_FOUND");
        assertFalse(run(session, "echo fine").texts("stdout").isEmpty(), "still serving");
    }
}
