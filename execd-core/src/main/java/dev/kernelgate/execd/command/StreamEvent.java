package dev.kernelgate.execd.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One event of an execd command stream (upstream {@code ServerStreamEvent}), fields in upstream's order; absent
 * fields are left out, as Go's {@code omitempty} does. {@code execution_time} is always present on
 * {@code execution_complete} (also when 0 ms).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "text", "execution_time", "timestamp", "error"})
public record StreamEvent(
        @JsonProperty("type") String type,
        @JsonProperty("text") String text,
        @JsonProperty("execution_time") Long executionTime,
        @JsonProperty("timestamp") long timestamp,
        @JsonProperty("error") ErrorOutput error) {

    public static StreamEvent init(String id) {
        return new StreamEvent("init", id, null, now(), null);
    }

    public static StreamEvent stdout(String text) {
        return new StreamEvent("stdout", text, null, now(), null);
    }

    public static StreamEvent stderr(String text) {
        return new StreamEvent("stderr", text, null, now(), null);
    }

    public static StreamEvent complete(long executionTimeMillis) {
        return new StreamEvent("execution_complete", null, executionTimeMillis, now(), null);
    }

    public static StreamEvent error(String ename, String evalue, List<String> traceback) {
        return new StreamEvent("error", null, null, now(), new ErrorOutput(ename, evalue, traceback));
    }

    public static StreamEvent ping() {
        return new StreamEvent("ping", "pong", null, now(), null);
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    /** Upstream's {@code execute.ErrorOutput}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"ename", "evalue", "traceback"})
    public record ErrorOutput(@JsonProperty("ename") String ename, @JsonProperty("evalue") String evalue,
                              @JsonProperty("traceback") List<String> traceback) {
        public ErrorOutput {
            traceback = traceback == null ? null : List.copyOf(traceback);
        }
    }
}
