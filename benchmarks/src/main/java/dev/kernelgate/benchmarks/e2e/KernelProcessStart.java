package dev.kernelgate.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.SignatureHistory;
import dev.kernelgate.wire.Signer;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.ZmqCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A kernel process alone, started from the argv of the kernelspec Kernelgate serves for it: spawn → kernel_info_reply
 * on shell, with no gateway in between (the kernel's own cold start, which every gateway start includes).
 */
final class KernelProcessStart {
    /** Connect retries every 5 ms (ZMQ's default 100 ms would measure its back-off, not the kernel). */
    private static final int RECONNECT_MS = 5;
    private static final long TIMEOUT_MS = 60_000;

    private KernelProcessStart() {
    }

    static Distribution cold(Bench bench, ServerProcess kernelgate, String kernel, Path work, String label)
            throws Exception {
        JsonNode spec = bench.rest().kernelspec(kernelgate, kernel);
        List<String> argv = new ArrayList<>();
        spec.path("spec").path("argv").forEach(a -> argv.add(a.asText()));
        List<Double> millis = new ArrayList<>();
        try (ZContext context = new ZContext(1)) {
            for (int i = 0; i < bench.sizes().startSamples(); i++) {
                millis.add(once(context, argv, kernel, work));
            }
        }
        return Distribution.of(label, millis);
    }

    private static double once(ZContext context, List<String> template, String kernel, Path work) throws Exception {
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", ServerProcess.freePort(),
                ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort(),
                UUID.randomUUID().toString(), "hmac-sha256", kernel);
        Path file = work.resolve("process-start-" + UUID.randomUUID() + ".json");
        ConnectionFile.write(file, info);
        List<String> argv = template.stream().map(a -> a.replace("{connection_file}", file.toString())).toList();
        Signer signer = info.signer();
        MessageFactory messages = MessageFactory.withRandomSession("bench");
        ZMQ.Socket shell = context.createSocket(SocketType.DEALER);
        shell.setIdentity(messages.session().getBytes(StandardCharsets.UTF_8));
        shell.setReconnectIVL(RECONNECT_MS);
        shell.setLinger(0);
        shell.setReceiveTimeOut((int) TIMEOUT_MS);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(work.resolve(file.getFileName() + ".log").toFile()).start();
        try {
            shell.connect(info.endpoint(Channel.SHELL));
            Message request = messages.request("kernel_info_request", Json.object());
            List<byte[]> frames = ZmqCodec.encode(request.toWire(), signer);
            for (int i = 0; i < frames.size() - 1; i++) {
                shell.sendMore(frames.get(i));
            }
            shell.send(frames.get(frames.size() - 1), 0);
            List<byte[]> reply = new ArrayList<>();
            byte[] first = shell.recv(0);
            if (first == null) {
                throw new TimeoutException(kernel + ": no kernel_info_reply within " + TIMEOUT_MS + " ms");
            }
            double elapsed = (System.nanoTime() - start) / 1e6;
            reply.add(first);
            while (shell.hasReceiveMore()) {
                reply.add(shell.recv(0));
            }
            WireMessage answer = ZmqCodec.decode(reply, signer, new SignatureHistory());
            if (!"kernel_info_reply".equals(answer.msgType())) {
                throw new IOException(kernel + ": expected kernel_info_reply, got " + answer.msgType());
            }
            return elapsed;
        } finally {
            context.destroySocket(shell);
            process.destroy(); // a kernel ends on SIGTERM; its children (none here) would be the gateway's concern
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(file);
        }
    }
}
