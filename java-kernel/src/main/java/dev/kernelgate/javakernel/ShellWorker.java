package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Header;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles shell requests one at a time, in arrival order, on its own thread (so the socket thread stays free
 * for control and stdin while a cell runs). Publishes busy/idle around each request.
 */
final class ShellWorker {
    /** Looked up on first use: SLF4J (and its backend's configuration) is not loaded on the start-up path. */
    private static Logger log() {
        return LoggerFactory.getLogger(ShellWorker.class);
    }

    private final Outbox outbox;
    private final OutputCapture output;
    private final StdinBridge stdin;
    private final SnippetEvaluator evaluator;
    private final Runnable shutdown;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final ObjectNode kernelInfo = KernelInfo.content();
    private final Thread thread;
    private volatile byte[] currentParent = Outbox.NO_PARENT;
    private int executionCount;
    /** After a failed cell with stop_on_error, execute requests that arrived before this instant are aborted. */
    private long abortBefore = Long.MIN_VALUE;

    ShellWorker(Outbox outbox, OutputCapture output, StdinBridge stdin, SnippetEvaluator evaluator,
                Runnable shutdown) {
        this.outbox = outbox;
        this.output = output;
        this.stdin = stdin;
        this.evaluator = evaluator;
        this.shutdown = shutdown;
        this.thread = KernelThreads.newThread("kernel-shell", this::loop);
    }

    void start() {
        thread.start();
    }

    void submit(Request request) {
        queue.add(request);
    }

    ObjectNode kernelInfo() {
        return kernelInfo;
    }

    /** The display sink behind {@link Display#display(Object)}: display_data for the running (or last) cell. */
    void display(Object value) {
        output.flush();
        ObjectNode content = KernelJson.object();
        content.set("data", MimeBundles.of(value));
        content.putObject("metadata");
        content.putObject("transient");
        outbox.publish(currentParent, "display_data", content);
    }

    private void loop() {
        while (true) {
            Request request;
            try {
                request = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            boolean cell = "execute_request".equals(request.msgType());
            if (cell) {
                evaluator.cellStarting();
            }
            outbox.status(request.rawHeader(), "busy");
            try {
                handle(request);
            } catch (RuntimeException | ExecutionException e) {
                log().error("failed to handle {}", request.msgType(), e);
                if (request.msgType().endsWith("_request")) {
                    outbox.reply(request, replyType(request), errorContent("KernelError", String.valueOf(e)));
                }
            } finally {
                if (cell) {
                    evaluator.cellEnded();
                }
                outbox.status(request.rawHeader(), "idle");
                evaluator.startInBackground(); // after the first reply is out (no-op later)
            }
        }
    }

    private void handle(Request request) throws ExecutionException {
        switch (request.msgType()) {
            case "execute_request" -> execute(request);
            case "kernel_info_request" -> outbox.reply(request, "kernel_info_reply", kernelInfo);
            case "is_complete_request" -> isComplete(request);
            case "complete_request" -> complete(request);
            case "inspect_request" -> inspect(request);
            case "comm_info_request" -> {
                ObjectNode content = ok();
                content.putObject("comms");
                outbox.reply(request, "comm_info_reply", content);
            }
            case "history_request" -> {
                ObjectNode content = ok();
                content.putArray("history");
                outbox.reply(request, "history_reply", content);
            }
            case "shutdown_request" -> shutdown(outbox, request, shutdown);
            case "interrupt_request" -> {
                evaluator.interrupt();
                stdin.cancel();
                outbox.reply(request, "interrupt_reply", ok());
            }
            case "comm_open" -> {
                // No comm targets exist: close it, as ipykernel does for an unknown target.
                ObjectNode content = KernelJson.object();
                content.put("comm_id", request.text("comm_id", ""));
                content.putObject("data");
                outbox.publish(request.rawHeader(), "comm_close", content);
            }
            case "comm_msg", "comm_close" -> log().debug("ignored {} for an unknown comm", request.msgType());
            default -> unsupported(outbox, request);
        }
    }

    private void execute(Request request) {
        String code = request.text("code", "");
        boolean silent = request.flag("silent", false);
        boolean storeHistory = !silent && request.flag("store_history", true);
        if (request.receivedNanos() - abortBefore < 0 && abortBefore != Long.MIN_VALUE) {
            ObjectNode aborted = KernelJson.object();
            aborted.put("status", "aborted");
            aborted.put("execution_count", executionCount);
            outbox.reply(request, "execute_reply", aborted);
            return;
        }
        if (storeHistory) {
            executionCount++;
        }
        int count = executionCount;
        String started = Header.now();
        if (!silent) {
            ObjectNode input = KernelJson.object();
            input.put("code", code);
            input.put("execution_count", count);
            outbox.publish(request.rawHeader(), "execute_input", input);
        }
        currentParent = request.rawHeader();
        output.setParent(request.rawHeader());
        stdin.begin(request, request.flag("allow_stdin", true));
        Outcome outcome;
        try {
            outcome = evaluator.evaluate(code);
        } finally {
            stdin.end();
            output.flush();
        }
        ObjectNode metadata = KernelJson.object();
        metadata.put("started", started);
        metadata.put("dependencies_met", true);
        metadata.put("engine", outbox.session());
        ObjectNode reply;
        if (outcome.failure() == null) {
            if (outcome.result() != null && !silent) {
                ObjectNode result = KernelJson.object();
                result.put("execution_count", count);
                result.set("data", outcome.result());
                result.putObject("metadata");
                outbox.publish(request.rawHeader(), "execute_result", result);
            }
            reply = ok();
            metadata.put("status", "ok");
        } else {
            Outcome.Failure failure = outcome.failure();
            ObjectNode error = errorFields(KernelJson.object(), failure);
            if (!silent) {
                outbox.publish(request.rawHeader(), "error", error);
            }
            reply = errorFields(KernelJson.object(), failure);
            reply.put("status", "error");
            metadata.put("status", "error");
            if (request.flag("stop_on_error", true)) {
                abortBefore = System.nanoTime();
            }
        }
        reply.put("execution_count", count);
        reply.putObject("user_expressions");
        reply.putArray("payload");
        outbox.reply(request, "execute_reply", reply, metadata);
    }

    private void isComplete(Request request) throws ExecutionException {
        String[] answer = evaluator.isComplete(request.text("code", ""));
        ObjectNode content = KernelJson.object();
        content.put("status", answer[0]);
        if ("incomplete".equals(answer[0])) {
            content.put("indent", answer[1]);
        }
        outbox.reply(request, "is_complete_reply", content);
    }

    private void complete(Request request) throws ExecutionException {
        String code = request.text("code", "");
        int cursor = CodePoints.toCharIndex(code, request.integer("cursor_pos", code.codePointCount(0, code.length())));
        SnippetEvaluator.Completion completion = evaluator.complete(code, cursor);
        ObjectNode content = ok();
        ArrayNode matches = content.putArray("matches");
        completion.matches().forEach(matches::add);
        content.put("cursor_start", CodePoints.fromCharIndex(code, completion.start()));
        content.put("cursor_end", CodePoints.fromCharIndex(code, completion.end()));
        content.putObject("metadata");
        outbox.reply(request, "complete_reply", content);
    }

    private void inspect(Request request) throws ExecutionException {
        String code = request.text("code", "");
        int cursor = CodePoints.toCharIndex(code, request.integer("cursor_pos", code.codePointCount(0, code.length())));
        String text = evaluator.inspect(code, cursor); // detail_level 0 and 1 alike: there is no source to show
        ObjectNode content = ok();
        content.put("found", text != null);
        ObjectNode data = content.putObject("data");
        if (text != null) {
            data.put("text/plain", text);
        }
        content.putObject("metadata");
        outbox.reply(request, "inspect_reply", content);
    }

    // ---- shared with the control channel -----------------------------------------------------------------

    static void shutdown(Outbox outbox, Request request, Runnable shutdown) {
        ObjectNode content = ok();
        content.put("restart", request.flag("restart", false));
        outbox.reply(request, "shutdown_reply", content);
        outbox.publish(request.rawHeader(), "shutdown_reply", content); // as ipykernel does
        shutdown.run();
    }

    static void unsupported(Outbox outbox, Request request) {
        log().warn("unsupported {} message on {}", request.msgType(), request.channel().wireName());
        if (request.msgType().endsWith("_request")) {
            outbox.reply(request, replyType(request),
                    errorContent("NotImplementedError", request.msgType() + " is not supported by this kernel"));
        }
    }

    static String replyType(Request request) {
        String type = request.msgType();
        return type.endsWith("_request") ? type.substring(0, type.length() - "_request".length()) + "_reply"
                : type + "_reply";
    }

    static ObjectNode ok() {
        ObjectNode content = KernelJson.object();
        content.put("status", "ok");
        return content;
    }

    private static ObjectNode errorContent(String ename, String evalue) {
        ObjectNode content = KernelJson.object();
        content.put("status", "error");
        content.put("ename", ename);
        content.put("evalue", evalue);
        content.putArray("traceback").add(ename + ": " + evalue);
        return content;
    }

    private static ObjectNode errorFields(ObjectNode target, Outcome.Failure failure) {
        target.put("ename", failure.ename());
        target.put("evalue", failure.evalue());
        ArrayNode traceback = target.putArray("traceback");
        failure.traceback().forEach(traceback::add);
        return target;
    }
}
