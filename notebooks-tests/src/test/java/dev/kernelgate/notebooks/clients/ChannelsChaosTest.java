package dev.kernelgate.notebooks.clients;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.notebooks.GatewayFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel channels under chaos: a client reading at 50 KB/s gets all of a kernel's output in order (legacy and v1 at
 * once); a client that leaves at random moments (clean closes and dropped connections) and comes back with the same
 * session_id gets what was said while it was away, in order, never twice, and a new session_id works; a kernel
 * killed with SIGKILL in the middle of its output is reported (a restarting/dead status or a close code), never
 * silence, and answers again after its restart.
 */
class ChannelsChaosTest {
    private static final String TOKEN = "chaos-token";
    private static final int RATE = 50 * 1024;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // kept for the kernel logs when a test fails
    Path dir;

    private GatewayFixture gateway;
    private ScheduledExecutorService pacer;

    @BeforeEach
    void start() throws Exception {
        gateway = GatewayFixture.start(dir, Map.of("KG_AUTH_TOKEN", TOKEN));
        pacer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        pacer.shutdownNow();
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Timeout(180)
    void aSlowReaderGetsAllOfAKernelsOutputInOrderOnBothProtocols() throws Exception {
        int lines = 600;
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            expected.append(String.format("%05d ", i)).append("x".repeat(993)).append('\n');
        }
        List<PacedKernelSocket> sockets = new ArrayList<>();
        List<ObjectNode> requests = new ArrayList<>();
        try {
            for (boolean v1 : new boolean[] {false, true}) {
                String kernel = KernelMessages.startKernel(gateway.httpUrl(), TOKEN, "python3");
                String session = UUID.randomUUID().toString();
                PacedKernelSocket ws = PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernel, session, v1, RATE,
                        pacer);
                // One message per line, ~1.5 MB of frames in all: the kernel is done long before the reader.
                ObjectNode print = KernelMessages.execute(session, "for i in range(" + lines + "):\n"
                        + "    print('%05d ' % i + 'x' * 993, flush=True)\n");
                ws.send(print);
                sockets.add(ws);
                requests.add(print);
            }
            for (int i = 0; i < sockets.size(); i++) {
                PacedKernelSocket ws = sockets.get(i);
                ObjectNode print = requests.get(i);
                await().atMost(Duration.ofSeconds(150)).until(() -> ws.idleAfter(print) && ws.replyTo(print) != null
                        || ws.closed.isDone());
                assertEquals("ok", ws.replyTo(print).path("content").path("status").asText());
                assertEquals(expected.toString(), ws.stdoutOf(print), "stdout, v1 " + (i == 1));
            }
        } finally {
            for (PacedKernelSocket ws : sockets) {
                ws.close();
            }
        }
    }

    @Test
    @Timeout(180)
    void leavingAtRandomAndComingBackWithTheSameSessionMissesNothingAndANewSessionWorks() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String kernel = KernelMessages.startKernel(gateway.httpUrl(), TOKEN, "python3");
        String session = UUID.randomUUID().toString();
        int lines = 2000;
        ObjectNode loop = KernelMessages.execute(session, "import time\n"
                + "for i in range(" + lines + "):\n"
                + "    print(i, flush=True)\n"
                + "    time.sleep(0.002)\n");
        List<PacedKernelSocket> sockets = new ArrayList<>();
        List<String> how = new ArrayList<>();
        sockets.add(PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernel, session, random.nextBoolean()));
        sockets.get(0).send(loop);
        int at = 0;
        for (int leave = 0; leave < 6; leave++) {
            at += 1 + random.nextInt(lines / 8);
            int leaveAt = at;
            PacedKernelSocket current = sockets.get(sockets.size() - 1);
            await("line " + leaveAt + "; seed " + seed + ", " + how).atMost(Duration.ofSeconds(60))
                    .until(() -> lines(sockets, loop).size() >= leaveAt
                    || current.idleAfter(loop));
            if (current.idleAfter(loop)) {
                break;
            }
            boolean drop = random.nextInt(3) == 0;
            how.add((drop ? "dropped" : "closed") + " at " + lines(sockets, loop).size());
            if (drop) {
                current.abort();
            } else {
                current.closeAndAwait();
            }
            sockets.add(PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernel, session, random.nextBoolean()));
        }
        // The last time, stay away until the loop is over: its end, the reply and the idle status are replayed. On a
        // slow machine the loop may already have ended before this departure (reconnecting took longer than the
        // loop): its idle status then reached a socket already, and the reply and idle are looked for on any socket.
        boolean endedBeforeLeaving = sockets.stream().anyMatch(s -> s.idleAfter(loop));
        PacedKernelSocket away = sockets.get(sockets.size() - 1);
        away.closeAndAwait();
        how.add((endedBeforeLeaving ? "closed after the end at " : "closed until the end at ")
                + lines(sockets, loop).size());
        String context = "seed " + seed + ", " + how;
        await("the kernel idle; " + context).atMost(Duration.ofSeconds(60)).until(() -> "idle".equals(
                KernelMessages.parse(KernelMessages.rest(gateway.httpUrl(), TOKEN, "GET", "/api/kernels/" + kernel,
                        null).body()).path("execution_state").asText()));
        PacedKernelSocket back = PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernel, session, false);
        sockets.add(back);
        List<PacedKernelSocket> answered = endedBeforeLeaving ? sockets : List.of(back);
        await("the reply and idle status replayed; " + context).atMost(Duration.ofSeconds(60)).until(
                () -> answered.stream().anyMatch(s -> s.idleAfter(loop))
                        && answered.stream().anyMatch(s -> s.replyTo(loop) != null));
        JsonNode reply = answered.stream().map(s -> s.replyTo(loop)).filter(r -> r != null).findFirst().orElseThrow();
        assertEquals("ok", reply.path("content").path("status").asText(), context);

        // Each socket's lines follow on from the previous socket's without a gap, except after a dropped connection
        // (it may lose what was in flight in its TCP buffers, never what the gateway still held); nothing twice.
        int lost = 0;
        int previous = -1;
        for (int s = 0; s < sockets.size(); s++) {
            boolean afterDrop = s > 0 && how.get(s - 1).startsWith("dropped");
            List<Integer> own = lines(List.of(sockets.get(s)), loop);
            for (int i = 0; i < own.size(); i++) {
                int line = own.get(i);
                if (line != previous + 1) {
                    assertTrue(i == 0 && afterDrop && line > previous, "socket " + s + ": line " + line + " after "
                            + previous + (line <= previous ? " (duplicate or out of order)" : " (lost lines)") + "; "
                            + context);
                    lost += line - previous - 1;
                }
                previous = line;
            }
        }
        assertEquals(lines - 1, previous, "the last line; " + context);
        System.out.println("random reconnects: " + context + ": " + lost + " lines lost in flight to dropped "
                + "connections");
        back.closeAndAwait();

        // A new session_id gets a connection of its own that works.
        PacedKernelSocket fresh = PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernel,
                UUID.randomUUID().toString(), true);
        ObjectNode hello = KernelMessages.execute(fresh.session, "print('fresh session')");
        fresh.send(hello);
        await().atMost(Duration.ofSeconds(30)).until(() -> fresh.idleAfter(hello) && fresh.replyTo(hello) != null);
        assertEquals("fresh session\n", fresh.stdoutOf(hello));
        assertTrue(fresh.stdoutOf(loop).isEmpty(), "nothing of the old session's output");
        fresh.closeAndAwait();
    }

    @Test
    @Timeout(180)
    void aKernelKilledMidOutputIsReportedNeverSilentAndAnswersAfterItsRestart() throws Exception {
        String kernel = KernelMessages.startKernel(gateway.httpUrl(), TOKEN, "python3");
        String session = UUID.randomUUID().toString();
        PacedKernelSocket ws = PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernel, session, false);
        ObjectNode loop = KernelMessages.execute(session, "import time\ni = 0\nwhile True:\n"
                + "    print(i, flush=True)\n    i += 1\n    time.sleep(0.001)\n");
        ws.send(loop);
        await().atMost(Duration.ofSeconds(60)).until(() -> ws.stdoutOf(loop).split("\n").length > 200);
        ProcessHandle process = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("kernel-" + kernel + ".json"))
                .findFirst().orElseThrow(() -> new AssertionError("no process for kernel " + kernel));
        assertTrue(process.destroyForcibly(), "SIGKILL sent");

        await().atMost(Duration.ofSeconds(60)).until(() -> ws.sawStatus("restarting", "dead")
                || ws.closed.isDone());
        String stdout = ws.stdoutOf(loop);
        String[] got = stdout.split("\n");
        for (int i = 0; i < got.length - (stdout.endsWith("\n") ? 0 : 1); i++) {
            assertEquals(String.valueOf(i), got[i], "line " + i + " of the output up to the kill");
        }
        // The client is told; the kernel (restarted by the gateway) answers again on a new connection.
        PacedKernelSocket again = PacedKernelSocket.connect(gateway.wsUrl(), TOKEN, kernel,
                UUID.randomUUID().toString(), false);
        ObjectNode hello = KernelMessages.execute(again.session, "print('back')");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            if (again.replyTo(hello) == null) {
                again.send(hello); // until the restarted kernel is there to answer (a resend is harmless)
            }
            return again.replyTo(hello) != null;
        });
        assertEquals("ok", again.replyTo(hello).path("content").path("status").asText());
        again.close();
        ws.close();
    }

    /** The loop's lines as numbers, over every socket in connection order. */
    private static List<Integer> lines(List<PacedKernelSocket> sockets, JsonNode loop) {
        String all = sockets.stream().map(s -> s.stdoutOf(loop)).collect(Collectors.joining());
        List<Integer> out = new ArrayList<>();
        for (String line : all.split("\n")) {
            if (!line.isEmpty()) {
                out.add(Integer.parseInt(line));
            }
        }
        return out;
    }
}
