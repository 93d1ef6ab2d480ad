package dev.kernelgate.benchmarks.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.ZmqCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The flood kernel, started from the kernelspec the benchmark writes, with the floor's direct-ZMQ client. */
class FloodKernelTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private Process process;

    @AfterEach
    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void floodsExactlyTheLinesAskedForAndAnswersLikeAKernel() throws Exception {
        ConnectionInfo info = start();
        // The session proves IOPub with kernel_info (busy/idle around the reply), as the gateway's probe does.
        try (DirectZmqSession session = new DirectZmqSession(info)) {
            Outcome flood = session.execute("flood 20000", TIMEOUT);
            assertEquals(new Outcome(flood.millis(), 20_000, 0, "ok"), flood);
            // A second flood continues the msg_ids: a receiver refusing replayed signatures loses nothing.
            assertEquals(3, session.execute("  flood 3\n", TIMEOUT).stdoutLines());
            assertEquals(new Outcome(0, 0, 0, "ok"), zeroTime(session.execute("flood 0", TIMEOUT)));
            assertEquals(new Outcome(0, 0, 0, "ok"), zeroTime(session.execute("", TIMEOUT)));
            assertEquals(new Outcome(0, 0, 0, "error"), zeroTime(session.execute("print(1)", TIMEOUT)));
        }
        assertTrue(process.isAlive());
    }

    @Test
    void kernelInfoAndShutdownOverControlEndTheProcess() throws Exception {
        ConnectionInfo info = start();
        MessageFactory messages = MessageFactory.withRandomSession("test");
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket control = context.createSocket(SocketType.DEALER);
            control.setReceiveTimeOut((int) TIMEOUT.toMillis());
            control.connect(info.endpoint(Channel.CONTROL));
            JsonNode kernelInfo = ask(control, info, messages.request("kernel_info_request", Json.object()));
            assertEquals("ok", kernelInfo.path("status").asText());
            assertEquals("flood", kernelInfo.path("language_info").path("name").asText());
            assertEquals("5.3", kernelInfo.path("protocol_version").asText());

            var content = Json.object();
            content.put("restart", true);
            JsonNode shutdown = ask(control, info, messages.request("shutdown_request", content));
            assertEquals("ok", shutdown.path("status").asText());
            assertTrue(shutdown.path("restart").asBoolean());
        }
        await().atMost(TIMEOUT).until(() -> !process.isAlive());
        assertEquals(0, process.exitValue());
    }

    @Test
    void theSpecStartsThisClassPathAndIsFoundThroughJupyterPath() throws Exception {
        Map<String, String> env = FloodKernelSpec.install(dir);
        assertTrue(env.get("JUPYTER_PATH").startsWith(dir.toString()), env.toString());
        JsonNode spec = Json.MAPPER.readTree(dir.resolve("kernels/flood/kernel.json").toFile());
        List<String> argv = new ArrayList<>();
        spec.path("argv").forEach(a -> argv.add(a.asText()));
        assertEquals("{connection_file}", argv.get(argv.size() - 1));
        assertEquals("dev.kernelgate.benchmarks.flood.FloodKernel", argv.get(argv.size() - 2));
        assertTrue(Files.isExecutable(Path.of(argv.get(0))), argv.get(0));
        assertEquals("message", spec.path("interrupt_mode").asText());
        String classPath = argv.get(argv.indexOf("-cp") + 1);
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            assertTrue(Path.of(entry).isAbsolute(), entry);
        }
    }

    private static Outcome zeroTime(Outcome o) {
        assertFalse(Double.isNaN(o.millis()));
        return new Outcome(0, o.stdoutLines(), o.displays(), o.status());
    }

    private static JsonNode ask(ZMQ.Socket socket, ConnectionInfo info, Message request) throws Exception {
        List<byte[]> frames = ZmqCodec.encode(request.toWire(), info.signer());
        for (int i = 0; i < frames.size() - 1; i++) {
            socket.sendMore(frames.get(i));
        }
        socket.send(frames.get(frames.size() - 1), 0);
        List<byte[]> reply = new ArrayList<>();
        do {
            byte[] frame = socket.recv(0);
            assertTrue(frame != null, "no reply to " + request.header().msgType());
            reply.add(frame);
        } while (socket.hasReceiveMore());
        WireMessage m = ZmqCodec.decode(reply, info.signer(), null);
        assertEquals(request.header().msgId(), m.parentMsgId());
        assertEquals(request.header().msgType().replace("_request", "_reply"), m.msgType());
        return Json.MAPPER.readTree(m.content());
    }

    /** Starts the kernel from the written spec's argv on a fresh connection file. */
    private ConnectionInfo start() throws Exception {
        FloodKernelSpec.install(dir);
        JsonNode spec = Json.MAPPER.readTree(dir.resolve("kernels/flood/kernel.json").toFile());
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", ServerProcess.freePort(),
                ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort(),
                UUID.randomUUID().toString(), "hmac-sha256", "flood");
        Path file = dir.resolve("kernel.json");
        ConnectionFile.write(file, info);
        List<String> argv = new ArrayList<>();
        spec.path("argv").forEach(a -> argv.add(a.asText().replace("{connection_file}", file.toString())));
        process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("kernel.log").toFile()).start();
        return info;
    }
}
