package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.WireMessage;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes verified messages, on the socket thread: shell requests queue for the {@link ShellWorker}; control
 * requests (interrupt, shutdown, kernel_info) are answered right here so they work while a cell runs;
 * input_reply on stdin wakes the snippet waiting in {@link StdinBridge}.
 */
final class RequestRouter implements KernelSockets.Inbound {
    /** Looked up on first use: SLF4J (and its backend's configuration) is not loaded on the start-up path. */
    private static Logger log() {
        return LoggerFactory.getLogger(RequestRouter.class);
    }

    private final Outbox outbox;
    private final ShellWorker worker;
    private final StdinBridge stdin;
    private final SnippetEvaluator evaluator;
    private final Runnable shutdown;

    RequestRouter(Outbox outbox, ShellWorker worker, StdinBridge stdin, SnippetEvaluator evaluator,
                  Runnable shutdown) {
        this.outbox = outbox;
        this.worker = worker;
        this.stdin = stdin;
        this.evaluator = evaluator;
        this.shutdown = shutdown;
    }

    @Override
    public void received(Channel channel, WireMessage message) {
        long now = System.nanoTime();
        String msgType = KernelJson.peekString(message.header(), "msg_type");
        if (msgType == null) {
            log().warn("dropped a {} message without msg_type", channel.wireName());
            return;
        }
        ObjectNode content;
        try {
            content = KernelJson.parseObject(message.content());
        } catch (IOException e) {
            log().warn("dropped a {} {}: {}", channel.wireName(), msgType, e.getMessage());
            return;
        }
        Request request = new Request(channel, message.identities(), message.header(), msgType, content, now);
        switch (channel) {
            case SHELL -> worker.submit(request);
            case CONTROL -> control(request);
            case STDIN -> {
                if ("input_reply".equals(msgType)) {
                    stdin.reply(request.text("value", ""));
                } else {
                    log().warn("ignored {} on stdin", msgType);
                }
            }
            default -> log().warn("ignored {} on {}", msgType, channel.wireName());
        }
    }

    private void control(Request request) {
        outbox.status(request.rawHeader(), "busy");
        try {
            switch (request.msgType()) {
                case "interrupt_request" -> {
                    evaluator.interrupt();
                    stdin.cancel();
                    outbox.reply(request, "interrupt_reply", ShellWorker.ok());
                }
                case "shutdown_request" -> ShellWorker.shutdown(outbox, request, shutdown);
                case "kernel_info_request" -> outbox.reply(request, "kernel_info_reply", worker.kernelInfo());
                default -> ShellWorker.unsupported(outbox, request);
            }
        } finally {
            outbox.status(request.rawHeader(), "idle");
            evaluator.startInBackground(); // after the first reply is out (no-op later)
        }
    }
}
