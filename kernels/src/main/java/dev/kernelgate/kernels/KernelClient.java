package dev.kernelgate.kernels;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.MalformedMessageException;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.WireMessage;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Jupyter client: executes code and hands each request only its own outputs (filtered by
 * parent msg_id), answers stdin through the listener, and completes a request when its reply has arrived and
 * the kernel reported idle for it, so no output arrives after completion.
 */
public final class KernelClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelClient.class);

    private final Kernel kernel;
    private final MessageFactory messages;
    private KernelConnection connection;

    // Written on the kernel's reactor thread; concurrent so that a kernel going away can fail what is left.
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private static final class Pending {
        final ExecutionListener listener;
        final CompletableFuture<Message> replyOnly;
        final CompletableFuture<ExecuteResult> result;
        Message reply;
        boolean idle;

        Pending(ExecutionListener listener, CompletableFuture<Message> replyOnly,
                CompletableFuture<ExecuteResult> result) {
            this.listener = listener;
            this.replyOnly = replyOnly;
            this.result = result;
        }

        /** Completes when the request is over: its result for an execute, its reply otherwise. */
        CompletableFuture<?> completion() {
            return result != null ? result : replyOnly;
        }

        boolean done() {
            return completion().isDone();
        }
    }

    private KernelClient(Kernel kernel, String session) {
        this.kernel = kernel;
        this.messages = new MessageFactory(session, "kernelgate");
    }

    /** A client of {@code kernel} on a connection of its own; completes once the connection is open. */
    public static CompletableFuture<KernelClient> connect(Kernel kernel) {
        KernelClient client = new KernelClient(kernel, UUID.randomUUID().toString());
        return KernelConnection.open(kernel, client.messages.session(), client.new Dispatcher()).thenApply(c -> {
            client.connection = c;
            return client;
        });
    }

    public Kernel kernel() {
        return kernel;
    }

    public String session() {
        return messages.session();
    }

    /** Submits code; outputs stream to {@code listener}; the result completes after reply and idle. */
    public Execution execute(String code, ExecuteOptions options, ExecutionListener listener) {
        ObjectNode content = MessageFactory.executeContent(code, options.silent(), options.storeHistory(),
                options.allowStdin(), options.stopOnError());
        Message request = messages.request("execute_request", content);
        CompletableFuture<ExecuteResult> result = new CompletableFuture<>();
        submit(request, new Pending(listener, new CompletableFuture<>(), result), options.timeout());
        return new Execution(request.header().msgId(), result);
    }

    /** Sends any shell or control request and completes with its reply. */
    public CompletableFuture<Message> request(Channel channel, String msgType, ObjectNode content, Duration timeout) {
        Message request = messages.request(msgType, content);
        Pending p = new Pending(ExecutionListener.ignoring(), new CompletableFuture<>(), null);
        submit(request, p, timeout, channel);
        return p.replyOnly;
    }

    public CompletableFuture<Message> kernelInfo() {
        return request(Channel.SHELL, "kernel_info_request", Json.object(), Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        failAll(new IllegalStateException("client closed"));
    }

    private void submit(Message request, Pending p, Duration timeout) {
        submit(request, p, timeout, Channel.SHELL);
    }

    private void submit(Message request, Pending p, Duration timeout, Channel channel) {
        String id = request.header().msgId();
        WireMessage wire = request.toWire();
        boolean handed = kernel.reactor().execute(() -> {
            pending.put(id, p);
            kernel.reactor().deadline(p.completion(), timeout.toMillis(), () -> {
                if (pending.remove(id) != null) {
                    fail(p, new TimeoutException(request.msgType() + " " + id + " got no complete answer within "
                            + timeout.toMillis() + " ms"));
                }
            });
        });
        if (!handed) {
            // The kernel's reactor is closed: nothing would ever answer or time this request out.
            fail(p, new IllegalStateException("kernel " + kernel.id() + " is gone"));
            return;
        }
        connection.send(channel, wire);
    }

    private void failAll(Throwable error) {
        pending.values().forEach(p -> fail(p, error));
        pending.clear();
    }

    private static void fail(Pending p, Throwable error) {
        p.replyOnly.completeExceptionally(error);
        if (p.result != null) {
            p.result.completeExceptionally(error);
        }
    }

    private void finishIfComplete(String id, Pending p) {
        if (p.result == null) {
            return;
        }
        if (p.reply != null && p.idle) {
            pending.remove(id);
            p.result.complete(new ExecuteResult(p.reply));
        }
    }

    /** Routes the connection's messages to the pending request they belong to. */
    private final class Dispatcher implements KernelConnection.Listener {
        @Override
        public void onMessage(Channel channel, WireMessage wire) {
            String parent = wire.parentMsgId();
            Pending p = parent == null ? null : pending.get(parent);
            if (p == null || p.done()) {
                return;
            }
            Message message;
            try {
                message = Message.fromWire(wire);
            } catch (MalformedMessageException e) {
                log.warn("kernel {}: unreadable {} message dropped: {}", kernel.id(), channel.wireName(),
                        e.getMessage());
                return;
            }
            switch (channel) {
                case IOPUB -> onIopub(parent, p, message);
                case STDIN -> onInputRequest(p, message);
                default -> {
                    p.reply = message;
                    p.replyOnly.complete(message);
                    if (p.result == null) {
                        pending.remove(parent);
                    }
                    finishIfComplete(parent, p);
                }
            }
        }

        private void onIopub(String parent, Pending p, Message message) {
            if ("status".equals(message.msgType())) {
                if ("idle".equals(message.content().path("execution_state").asText())) {
                    p.idle = true;
                    finishIfComplete(parent, p);
                }
                return;
            }
            try {
                p.listener.onOutput(message);
            } catch (RuntimeException e) {
                log.error("execution listener failed on {}", message.msgType(), e);
            }
        }

        private void onInputRequest(Pending p, Message request) {
            if (!"input_request".equals(request.msgType())) {
                return;
            }
            String prompt = request.content().path("prompt").asText("");
            boolean password = request.content().path("password").asBoolean(false);
            p.listener.onInputRequest(prompt, password).whenComplete((value, error) -> {
                ObjectNode content = Json.object();
                content.put("value", error == null && value != null ? value : "");
                connection.send(Channel.STDIN, messages.reply(request, "input_reply", content).toWire());
            });
        }

        @Override
        public void onKernelStatus(String executionState) {
            if ("dead".equals(executionState) || "restarting".equals(executionState)) {
                failAll(new IllegalStateException("kernel " + kernel.id() + " is " + executionState));
            }
        }

        @Override
        public void onClosed() {
            failAll(new IllegalStateException("kernel " + kernel.id() + " is gone"));
        }
    }
}
