package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.WireMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the kernel's outgoing messages and hands them to the socket thread. Callable from any thread.
 * Replies and side effects carry the request's header bytes, untouched, as their parent_header.
 */
final class Outbox {
    static final byte[] NO_PARENT = bytes("{}");
    private static final byte[] EMPTY_OBJECT = bytes("{}");

    private final KernelSockets sockets;
    private final MessageFactory factory;
    private final String topicPrefix;

    Outbox(KernelSockets sockets, MessageFactory factory) {
        this.sockets = sockets;
        this.factory = factory;
        this.topicPrefix = "kernel." + factory.session() + ".";
    }

    String session() {
        return factory.session();
    }

    void reply(Request request, String msgType, ObjectNode content) {
        reply(request, msgType, content, null);
    }

    void reply(Request request, String msgType, ObjectNode content, ObjectNode metadata) {
        sockets.send(request.channel(), new WireMessage(request.identities(), header(msgType), request.rawHeader(),
                metadata == null ? EMPTY_OBJECT : KernelJson.bytes(metadata), KernelJson.bytes(content), List.of()));
    }

    /** Publishes on iopub; {@code parentHeader} is a request's raw header or {@link #NO_PARENT}. */
    void publish(byte[] parentHeader, String msgType, ObjectNode content) {
        String topic = "stream".equals(msgType)
                ? "stream." + content.path("name").asText("stdout")
                : topicPrefix + msgType;
        sockets.send(Channel.IOPUB, new WireMessage(List.of(bytes(topic)), header(msgType), parentHeader,
                EMPTY_OBJECT, KernelJson.bytes(content), List.of()));
    }

    void status(byte[] parentHeader, String executionState) {
        ObjectNode content = KernelJson.object();
        content.put("execution_state", executionState);
        publish(parentHeader, "status", content);
    }

    /** Sends input_request on stdin to the client that sent {@code parent} (same routing identity as its shell). */
    void inputRequest(Request parent, String prompt, boolean password) {
        ObjectNode content = KernelJson.object();
        content.put("prompt", prompt);
        content.put("password", password);
        sockets.send(Channel.STDIN, new WireMessage(parent.identities(), header("input_request"), parent.rawHeader(),
                EMPTY_OBJECT, KernelJson.bytes(content), List.of()));
    }

    private byte[] header(String msgType) {
        return KernelJson.bytes(factory.header(msgType));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
