package dev.kernelgate.benchmarks.flood;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.Header;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.MalformedMessageException;
import dev.kernelgate.wire.SignatureHistory;
import dev.kernelgate.wire.Signer;
import dev.kernelgate.wire.WireException;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.ZmqCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A Jupyter kernel that does one thing: {@code flood N} publishes N one-line {@code stream} messages on IOPub as
 * fast as the socket takes them, so that a relay, not the kernel, is the limit of an IOPub benchmark. It answers
 * kernel_info, execute (busy, execute_input, output, execute_reply, idle), interrupt and shutdown requests; any
 * other code is an error. One thread owns every socket but the heartbeat's.
 *
 * <pre>java -cp CLASSPATH dev.kernelgate.benchmarks.flood.FloodKernel CONNECTION_FILE</pre>
 */
public final class FloodKernel {
    static final Pattern FLOOD = Pattern.compile("\\s*flood\\s+(\\d{1,12})\\s*");
    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE = "{\"name\":\"stdout\",\"text\":\"x\\n\"}".getBytes(StandardCharsets.US_ASCII);
    /** Messages queued per subscriber before a send waits for it (the kernel then runs at the reader's pace). */
    private static final int IOPUB_QUEUE = 10_000;
    private static final int LINGER_MS = 1000;

    private final Signer signer;
    private final SignatureHistory history = new SignatureHistory();
    private final ZMQ.Socket shell;
    private final ZMQ.Socket control;
    private final ZMQ.Socket stdin;
    private final ZMQ.Socket iopub;
    private final ZMQ.Poller poller;
    private final String session = UUID.randomUUID().toString();
    private final String idPrefix = session + "_";
    private long nextId;
    private int executionCount;
    private boolean running = true;

    private FloodKernel(ZMQ.Context context, ConnectionInfo info) {
        signer = info.signer();
        shell = bind(context, SocketType.ROUTER, info.endpoint(Channel.SHELL));
        control = bind(context, SocketType.ROUTER, info.endpoint(Channel.CONTROL));
        stdin = bind(context, SocketType.ROUTER, info.endpoint(Channel.STDIN));
        iopub = context.socket(SocketType.PUB);
        iopub.setLinger(LINGER_MS);
        // Lossless and bounded: at the high-water mark a send waits for the subscriber instead of dropping.
        iopub.setXpubNoDrop(true);
        iopub.setSndHWM(IOPUB_QUEUE);
        iopub.bind(info.endpoint(Channel.IOPUB));
        poller = context.poller(2);
        poller.register(control, ZMQ.Poller.POLLIN);
        poller.register(shell, ZMQ.Poller.POLLIN);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: FloodKernel CONNECTION_FILE");
            System.exit(2);
        }
        ConnectionInfo info = ConnectionFile.read(Path.of(args[0]));
        ZMQ.Context context = ZMQ.context(1);
        HeartbeatEcho.start(context, info.endpoint(Channel.HB));
        FloodKernel kernel = new FloodKernel(context, info);
        kernel.run();
        kernel.close();
        context.term();
    }

    private static ZMQ.Socket bind(ZMQ.Context context, SocketType type, String endpoint) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(LINGER_MS);
        socket.bind(endpoint);
        return socket;
    }

    private void run() {
        while (running && !Thread.currentThread().isInterrupted()) {
            poller.poll(1000);
            receiveAll(control);
            receiveAll(shell);
        }
    }

    private void close() {
        poller.close();
        shell.close();
        control.close();
        stdin.close();
        iopub.close();
    }

    private void receiveAll(ZMQ.Socket socket) {
        byte[] first;
        while (running && (first = socket.recv(ZMQ.DONTWAIT)) != null) {
            List<byte[]> frames = new ArrayList<>(8);
            frames.add(first);
            while (socket.hasReceiveMore()) {
                frames.add(socket.recv(0));
            }
            WireMessage request;
            try {
                request = ZmqCodec.decode(frames, signer, history);
            } catch (WireException e) {
                System.err.println("flood kernel: dropped a message: " + e.getMessage());
                continue;
            }
            handle(socket, request);
        }
    }

    private void handle(ZMQ.Socket socket, WireMessage request) {
        byte[] parent = request.header();
        publish("status", parent, state("busy"));
        switch (String.valueOf(request.msgType())) {
            case "kernel_info_request" -> reply(socket, request, "kernel_info_reply", kernelInfo());
            case "execute_request" -> execute(socket, request);
            case "interrupt_request" -> reply(socket, request, "interrupt_reply", ok());
            case "shutdown_request" -> {
                ObjectNode content = ok();
                content.put("restart", restartAsked(request));
                reply(socket, request, "shutdown_reply", content);
                running = false;
            }
            default -> System.err.println("flood kernel: ignored a " + request.msgType());
        }
        publish("status", parent, state("idle"));
    }

    private void execute(ZMQ.Socket socket, WireMessage request) {
        String code = Json.peekString(request.content(), "code");
        code = code == null ? "" : code;
        ObjectNode input = Json.object();
        input.put("code", code);
        input.put("execution_count", ++executionCount);
        publish("execute_input", request.header(), Json.bytes(input));
        Matcher flood = FLOOD.matcher(code);
        ObjectNode reply = ok();
        if (flood.matches()) {
            flood(request.header(), Long.parseLong(flood.group(1)));
        } else if (!code.isBlank()) {
            reply.put("status", "error");
            reply.put("ename", "UnknownCode");
            reply.put("evalue", "the flood kernel runs only 'flood N'");
            reply.putArray("traceback").add("UnknownCode: the flood kernel runs only 'flood N'");
            ObjectNode error = reply.deepCopy();
            error.remove("status");
            publish("error", request.header(), Json.bytes(error));
        }
        reply.put("execution_count", executionCount);
        reply.putObject("user_expressions");
        reply(socket, request, "execute_reply", reply);
    }

    /**
     * The hot loop: per message a fresh msg_id spliced into a pre-serialised header, one HMAC, seven frames. The
     * request's header bytes are the parent_header as they are; content and metadata never change. The date is
     * the flood's start for all of its messages.
     */
    private void flood(byte[] parent, long count) {
        HeaderTemplate stream = new HeaderTemplate(idPrefix, session, "stream", Header.now());
        byte[] topic = topic("stream");
        for (long i = 0; i < count; i++) {
            byte[] header = stream.header(nextId++);
            iopub.sendMore(topic);
            iopub.sendMore(ZmqCodec.DELIMITER);
            iopub.sendMore(signer.sign(header, parent, EMPTY, LINE));
            iopub.sendMore(header);
            iopub.sendMore(parent);
            iopub.sendMore(EMPTY);
            iopub.send(LINE, 0);
        }
    }

    private void publish(String msgType, byte[] parent, byte[] content) {
        send(iopub, List.of(topic(msgType)), msgType, parent, content);
    }

    private void reply(ZMQ.Socket socket, WireMessage request, String msgType, ObjectNode content) {
        send(socket, request.identities(), msgType, request.header(), Json.bytes(content));
    }

    private void send(ZMQ.Socket socket, List<byte[]> identities, String msgType, byte[] parent, byte[] content) {
        byte[] header = new HeaderTemplate(idPrefix, session, msgType, Header.now()).header(nextId++);
        List<byte[]> frames = ZmqCodec.encode(new WireMessage(identities, header, parent, EMPTY, content, List.of()),
                signer);
        for (int i = 0; i < frames.size() - 1; i++) {
            socket.sendMore(frames.get(i));
        }
        socket.send(frames.get(frames.size() - 1), 0);
    }

    private static boolean restartAsked(WireMessage shutdown) {
        try {
            return Json.parseObject(shutdown.content(), "shutdown_request content").path("restart").asBoolean();
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    private byte[] topic(String msgType) {
        return ("kernel." + session + "." + msgType).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] state(String executionState) {
        return ("{\"execution_state\":\"" + executionState + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    private static ObjectNode ok() {
        ObjectNode content = Json.object();
        content.put("status", "ok");
        return content;
    }

    private static ObjectNode kernelInfo() {
        ObjectNode content = ok();
        content.put("protocol_version", Header.PROTOCOL_VERSION);
        content.put("implementation", "kernelgate-flood");
        content.put("implementation_version", "0.1.0");
        ObjectNode language = content.putObject("language_info");
        language.put("name", "flood");
        language.put("version", "1");
        language.put("mimetype", "text/plain");
        language.put("file_extension", ".txt");
        content.put("banner", "Kernelgate flood kernel: 'flood N' publishes N stream messages on IOPub");
        content.putArray("help_links");
        return content;
    }
}
