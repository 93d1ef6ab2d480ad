package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.kernelspecs.JavaKernelSpec;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.SignatureHistory;
import dev.kernelgate.wire.Signer;
import dev.kernelgate.wire.WireException;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.ZmqCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Test-only Jupyter client for a kernel child process: DEALER shell/control/stdin (one identity), SUB iopub,
 * REQ heartbeat. Every socket is used only by the thread that calls this object. Waiting is ZMQ polling with
 * deadlines (no sleeps); messages that arrive while waiting for others are kept for later calls.
 */
final class KernelClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Retry connecting every 5 ms (ZMQ's default is 100 ms), so start-up is measured, not ZMQ's back-off. */
    private static final int RECONNECT_MS = 5;

    private final Process process;
    private final Path logFile;
    private final ConnectionInfo info;
    private final Signer signer;
    private final SignatureHistory history = new SignatureHistory();
    private final MessageFactory factory;
    private final ZMQ.Context context = ZMQ.context(1);
    private final Map<Channel, ZMQ.Socket> sockets = new EnumMap<>(Channel.class);
    private final Map<Channel, List<Message>> inbox = new EnumMap<>(Channel.class);
    private final ZMQ.Poller poller;

    private KernelClient(Process process, Path logFile, ConnectionInfo info) {
        this.process = process;
        this.logFile = logFile;
        this.info = info;
        this.signer = info.signer();
        this.factory = new MessageFactory(UUID.randomUUID().toString(), "test");
        byte[] identity = factory.session().getBytes(StandardCharsets.UTF_8);
        for (Channel channel : List.of(Channel.SHELL, Channel.CONTROL, Channel.STDIN)) {
            ZMQ.Socket socket = context.socket(SocketType.DEALER);
            socket.setIdentity(identity);
            socket.setLinger(0);
            socket.setReconnectIVL(RECONNECT_MS);
            socket.connect(info.endpoint(channel));
            sockets.put(channel, socket);
        }
        ZMQ.Socket iopub = context.socket(SocketType.SUB);
        iopub.setLinger(0);
        iopub.setReconnectIVL(RECONNECT_MS);
        iopub.subscribe(new byte[0]);
        iopub.connect(info.endpoint(Channel.IOPUB));
        sockets.put(Channel.IOPUB, iopub);
        ZMQ.Socket hb = context.socket(SocketType.REQ);
        hb.setLinger(0);
        hb.connect(info.endpoint(Channel.HB));
        sockets.put(Channel.HB, hb);
        this.poller = context.poller(4);
        for (Channel channel : List.of(Channel.SHELL, Channel.CONTROL, Channel.STDIN, Channel.IOPUB)) {
            poller.register(sockets.get(channel), ZMQ.Poller.POLLIN);
            inbox.put(channel, new ArrayList<>());
        }
    }

    /** Writes a connection file into {@code dir} and starts the Java kernel from its spec's argv, on this JVM's java. */
    static KernelClient launch(Path dir, List<String> extraJvmFlags) throws IOException {
        return launch(dir, currentJava(), extraJvmFlags);
    }

    /** As {@link #launch(Path, List)} with another {@code java} executable (another JDK), the test class path. */
    static KernelClient launch(Path dir, Path java, List<String> extraJvmFlags) throws IOException {
        List<String> flags = new ArrayList<>(JavaKernelSpec.DEFAULT_JVM_FLAGS);
        flags.addAll(extraJvmFlags);
        String classPath = System.getProperty("java.class.path");
        return launchCommand(dir, new JavaKernelSpec(java, classPath, flags).argv());
    }

    /** The java executable running the tests. */
    private static Path currentJava() {
        return Path.of(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    }

    /** Writes a connection file into {@code dir} and starts {@code argv} with {@code {connection_file}} replaced. */
    static KernelClient launchCommand(Path dir, List<String> argvTemplate) throws IOException {
        return launchCommand(dir, argvTemplate, new ConnectionInfo("tcp", "127.0.0.1", freePort(), freePort(),
                freePort(), freePort(), freePort(), UUID.randomUUID().toString(), "hmac-sha256", "java"));
    }

    /** Starts the Java kernel over the ipc transport (endpoints {@code ipc://DIR/kernel-N}). */
    static KernelClient launchIpc(Path dir) throws IOException {
        String base = freeIpcBase(dir);
        return launchCommand(dir, new JavaKernelSpec(currentJava(), System.getProperty("java.class.path")).argv(),
                new ConnectionInfo("ipc", base, 1, 2, 3, 4, 5, UUID.randomUUID().toString(), "hmac-sha256", "java"));
    }

    /**
     * JeroMQ emulates {@code ipc://NAME} with TCP on loopback, port {@code 10000 + |NAME.hashCode()| % 55536}: a base
     * path whose five endpoints hash onto ports another process holds makes the kernel's bind fail ("Address already
     * in use"). Picks a base whose five ports are free now.
     */
    private static String freeIpcBase(Path dir) {
        for (int attempt = 0; attempt < 100; attempt++) {
            String base = dir.resolve("kernel-ipc-" + attempt).toString();
            if (IntStream.rangeClosed(1, 5).allMatch(n -> loopbackPortFree(jeromqIpcPort(base + "-" + n)))) {
                return base;
            }
        }
        throw new IllegalStateException("no ipc base path under " + dir + " maps onto free loopback ports");
    }

    private static int jeromqIpcPort(String name) {
        int hash = Math.abs(name.hashCode());
        return hash % 55536 + 10000;
    }

    private static boolean loopbackPortFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static KernelClient launchCommand(Path dir, List<String> argvTemplate, ConnectionInfo info)
            throws IOException {
        Path connectionFile = dir.resolve("kernel-" + UUID.randomUUID() + ".json");
        ConnectionFile.write(connectionFile, info);
        List<String> argv = new ArrayList<>();
        for (String arg : argvTemplate) {
            argv.add(arg.replace("{connection_file}", connectionFile.toString()));
        }
        Path log = dir.resolve(connectionFile.getFileName() + ".log");
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new KernelClient(process, log, info);
    }

    private static final Set<Integer> USED_PORTS = new HashSet<>();

    private static synchronized int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (USED_PORTS.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    Process process() {
        return process;
    }

    String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    MessageFactory factory() {
        return factory;
    }

    /** Waits until kernel_info is answered and iopub is subscribed (the first iopub message can be missed). */
    Message waitForReady() {
        Message reply = request(Channel.SHELL, "kernel_info_request", Json.object());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Message probe = send(Channel.SHELL, "kernel_info_request", Json.object());
            await(Channel.SHELL, isReplyTo(probe), TIMEOUT);
            if (poll(Channel.IOPUB, isReplyTo(probe), Duration.ofMillis(500)) != null) {
                drainIopubUntilIdle(probe);
                return reply;
            }
        }
        throw new AssertionError("iopub never delivered a message\n" + log());
    }

    Message send(Channel channel, String msgType, ObjectNode content) {
        Message message = factory.request(msgType, content);
        sendFrames(channel, ZmqCodec.encode(message.toWire(), signer));
        return message;
    }

    /** Sends a message addressed with this client's identity, as the kernel's stdin expects. */
    Message sendReply(Channel channel, Message parent, String msgType, ObjectNode content) {
        Message message = factory.reply(parent, msgType, content);
        sendFrames(channel, ZmqCodec.encode(message.toWire(), signer));
        return message;
    }

    void sendFrames(Channel channel, List<byte[]> frames) {
        ZMQ.Socket socket = sockets.get(channel);
        for (int i = 0; i < frames.size() - 1; i++) {
            socket.sendMore(frames.get(i));
        }
        socket.send(frames.get(frames.size() - 1), 0);
    }

    Message request(Channel channel, String msgType, ObjectNode content) {
        Message request = send(channel, msgType, content);
        return await(channel, isReplyTo(request), TIMEOUT);
    }

    static Predicate<Message> isReplyTo(Message request) {
        String id = request.header().msgId();
        return m -> id.equals(m.parentMsgId());
    }

    /** The first message on {@code channel} matching {@code match}, failing after {@code timeout}. */
    Message await(Channel channel, Predicate<Message> match, Duration timeout) {
        Message message = poll(channel, match, timeout);
        if (message == null) {
            throw new AssertionError("no matching " + channel.wireName() + " message within " + timeout
                    + "; kernel alive=" + process.isAlive() + "\n--- kernel log ---\n" + log());
        }
        return message;
    }

    /** Like {@link #await} but null on timeout. */
    Message poll(Channel channel, Predicate<Message> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Iterator<Message> pending = inbox.get(channel).iterator();
            while (pending.hasNext()) {
                Message message = pending.next();
                if (match.test(message)) {
                    pending.remove();
                    return message;
                }
            }
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMs <= 0) {
                return null;
            }
            poller.poll(remainingMs);
            receiveAvailable();
        }
    }

    private void receiveAvailable() {
        for (Channel channel : List.of(Channel.SHELL, Channel.CONTROL, Channel.STDIN, Channel.IOPUB)) {
            ZMQ.Socket socket = sockets.get(channel);
            byte[] first;
            while ((first = socket.recv(ZMQ.DONTWAIT)) != null) {
                List<byte[]> frames = new ArrayList<>();
                frames.add(first);
                while (socket.hasReceiveMore()) {
                    frames.add(socket.recv(0));
                }
                try {
                    WireMessage wire = ZmqCodec.decode(frames, signer, history);
                    inbox.get(channel).add(Message.fromWire(wire));
                } catch (WireException e) {
                    throw new AssertionError("kernel sent an invalid " + channel.wireName() + " message", e);
                }
            }
        }
    }

    /** All iopub messages caused by {@code request}, up to and including its {@code idle} status. */
    List<Message> drainIopubUntilIdle(Message request) {
        List<Message> messages = new ArrayList<>();
        String id = request.header().msgId();
        while (true) {
            Message message = await(Channel.IOPUB, m -> id.equals(m.parentMsgId()), TIMEOUT);
            messages.add(message);
            if ("status".equals(message.msgType())
                    && "idle".equals(message.content().path("execution_state").asText())) {
                return messages;
            }
        }
    }

    /** An executed cell: its reply and its iopub messages up to idle. */
    record Execution(Message request, Message reply, List<Message> iopub) {
        List<Message> ofType(String msgType) {
            return iopub.stream().filter(m -> msgType.equals(m.msgType())).toList();
        }

        String stdout() {
            return stream("stdout");
        }

        String stderr() {
            return stream("stderr");
        }

        private String stream(String name) {
            StringBuilder text = new StringBuilder();
            for (Message m : ofType("stream")) {
                if (name.equals(m.content().path("name").asText())) {
                    text.append(m.content().path("text").asText());
                }
            }
            return text.toString();
        }

        /** The execute_result's text/plain, or null. */
        String result() {
            List<Message> results = ofType("execute_result");
            return results.isEmpty() ? null : results.get(0).content().path("data").path("text/plain").asText();
        }

        String status() {
            return reply.content().path("status").asText();
        }
    }

    Message sendExecute(String code, boolean allowStdin) {
        return send(Channel.SHELL, "execute_request", MessageFactory.executeContent(code, false, true, allowStdin,
                true));
    }

    Execution execute(String code) {
        return collect(sendExecute(code, false));
    }

    Execution collect(Message request) {
        Message reply = await(Channel.SHELL, isReplyTo(request), TIMEOUT);
        return new Execution(request, reply, drainIopubUntilIdle(request));
    }

    /** A cell stopped by {@link #interruptWhen}, and how long its reply took after the interrupt was sent. */
    record Interrupted(Execution execution, Duration afterInterrupt) {
    }

    /**
     * Sends {@code code}, sends interrupt_request on control the moment an iopub message of that cell matches
     * {@code trigger}, and collects the cell, failing if its reply does not come within {@code limit} of the
     * interrupt (an endless loop that missed the interrupt never replies).
     */
    Interrupted interruptWhen(String code, Predicate<Message> trigger, Duration limit) {
        Message request = sendExecute(code, false);
        Message seen = await(Channel.IOPUB, isReplyTo(request).and(trigger), TIMEOUT);
        long sent = System.nanoTime();
        Message interrupt = send(Channel.CONTROL, "interrupt_request", Json.object());
        Message reply = await(Channel.SHELL, isReplyTo(request), limit);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);
        Message interruptReply = await(Channel.CONTROL, isReplyTo(interrupt), TIMEOUT);
        if (!"ok".equals(interruptReply.content().path("status").asText())) {
            throw new AssertionError("interrupt_request was refused: " + interruptReply.content());
        }
        List<Message> iopub = new ArrayList<>(List.of(seen));
        iopub.addAll(drainIopubUntilIdle(request));
        return new Interrupted(new Execution(request, reply, iopub), took);
    }

    /** Whether {@code message} is a {@code status} message with that execution_state. */
    static Predicate<Message> isStatus(String executionState) {
        return m -> "status".equals(m.msgType())
                && executionState.equals(m.content().path("execution_state").asText());
    }

    /** Heartbeat round trip; null if no echo within {@code timeout}. */
    byte[] ping(byte[] payload, Duration timeout) {
        ZMQ.Socket hb = sockets.get(Channel.HB);
        hb.send(payload, 0);
        try (ZMQ.Poller hbPoller = context.poller(1)) {
            hbPoller.register(hb, ZMQ.Poller.POLLIN);
            if (hbPoller.poll(timeout.toMillis()) <= 0) {
                return null;
            }
        }
        return hb.recv(0);
    }

    @Override
    public void close() {
        poller.close();
        sockets.values().forEach(ZMQ.Socket::close);
        context.term();
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
