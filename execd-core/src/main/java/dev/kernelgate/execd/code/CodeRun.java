package dev.kernelgate.execd.code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.execd.StreamEvent;
import dev.kernelgate.http.EventStreamWriter;
import dev.kernelgate.kernels.ExecuteOptions;
import dev.kernelgate.kernels.ExecuteResult;
import dev.kernelgate.kernels.Execution;
import dev.kernelgate.kernels.ExecutionListener;
import dev.kernelgate.wire.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code POST /code} execution: the request's own IOPub messages (filtered by parent msg_id) become execd
 * events; the stream ends with {@code execution_complete} once the kernel has replied and gone idle.
 */
final class CodeRun implements ExecutionListener {
    private static final Duration PING = Duration.ofSeconds(3);
    private static final ExecuteOptions RUN_OPTIONS = ExecuteOptions.defaults().withStopOnError(false);

    private final CodeContext context;
    private final EventStreamWriter events;
    /** Everything after init goes through here: bounded for a client slower than the kernel. */
    private final BoundedEvents output;
    private final long started = System.nanoTime();

    CodeRun(CodeContext context, EventStreamWriter events) {
        this.context = context;
        this.events = events;
        this.output = new BoundedEvents(events, BoundedEvents.DEFAULT_MAX_BYTES);
    }

    void start(String code) {
        events.send(StreamEvent.init(context.id()));
        events.startPing(PING, StreamEvent::ping);
        // allow_stdin false: a kernel asked for input raises its own error (e.g. StdinNotImplementedError),
        // which reaches the client as an error event instead of a hang. stop_on_error false: a context runs one
        // request at a time, so there is no queue to abort, and ipykernel would otherwise abort a request that
        // arrives in the instant between an error reply and the end of its abort window.
        Execution execution = context.client().execute(code, RUN_OPTIONS, this);
        events.onDisconnect(() -> {
            if (!execution.result().isDone()) {
                context.client().kernel().interrupt();
            }
        });
        execution.result().whenComplete((result, error) -> finish(result, error));
    }

    private void finish(ExecuteResult result, Throwable error) {
        context.release();
        if (error != null) {
            output.send(StreamEvent.error("ContextCancelled", String.valueOf(error.getMessage()), List.of()));
        } else if ("aborted".equals(result.status())) {
            output.send(StreamEvent.error("ExecutionAborted", "the kernel aborted this request", List.of()));
        }
        output.end(StreamEvent.complete((System.nanoTime() - started) / 1_000_000));
    }

    @Override
    public void onOutput(Message message) {
        ObjectNode content = message.content();
        switch (message.msgType()) {
            case "stream" -> output.send("stderr".equals(content.path("name").asText())
                    ? StreamEvent.stderr(content.path("text").asText())
                    : StreamEvent.stdout(content.path("text").asText()));
            case "execute_result" -> {
                output.send(StreamEvent.executionCount(content.path("execution_count").asInt()));
                output.send(StreamEvent.result(results(content)));
            }
            case "display_data", "update_display_data" -> output.send(StreamEvent.result(results(content)));
            case "error" -> {
                output.send(StreamEvent.status("error"));
                List<String> traceback = new ArrayList<>();
                content.path("traceback").forEach(t -> traceback.add(t.asText()));
                output.send(StreamEvent.error(content.path("ename").asText(), content.path("evalue").asText(),
                        traceback));
            }
            default -> {
                // execute_input, clear_output, comm messages: nothing an execd client consumes
            }
        }
    }

    /** The mime bundle with {@code text/plain} renamed {@code text}, as execd's clients read it. */
    private static ObjectNode results(ObjectNode content) {
        ObjectNode out = content.objectNode();
        JsonNode data = content.path("data");
        data.fields().forEachRemaining(e -> out.set("text/plain".equals(e.getKey()) ? "text" : e.getKey(),
                e.getValue()));
        return out;
    }
}
