package dev.kernelgate.execd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One event of an execd stream ({@code POST /code}, {@code /command}, {@code /session/{id}/run}): written as a bare
 * JSON object followed by a blank line. Absent fields are omitted, as upstream's {@code omitempty}; every event
 * carries a millisecond {@code timestamp}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamEvent(String type, String text,
                          @JsonProperty("execution_count") Integer executionCount,
                          @JsonProperty("execution_time") Long executionTime,
                          long timestamp,
                          ObjectNode results,
                          ErrorInfo error) {

    /** The {@code error} member: Jupyter's ename/evalue/traceback, or CommandExecError with the exit code. */
    public record ErrorInfo(String ename, String evalue, List<String> traceback) {
    }

    public static StreamEvent init(String id) {
        return of("init", id);
    }

    public static StreamEvent stdout(String text) {
        return of("stdout", text);
    }

    public static StreamEvent stderr(String text) {
        return of("stderr", text);
    }

    public static StreamEvent status(String text) {
        return of("status", text);
    }

    public static StreamEvent ping() {
        return of("ping", "pong");
    }

    public static StreamEvent executionCount(int count) {
        return new StreamEvent("execution_count", null, count, null, System.currentTimeMillis(), null, null);
    }

    public static StreamEvent result(ObjectNode results) {
        return new StreamEvent("result", null, null, null, System.currentTimeMillis(), results, null);
    }

    public static StreamEvent complete(long executionTimeMillis) {
        return new StreamEvent("execution_complete", null, null, executionTimeMillis, System.currentTimeMillis(), null,
                null);
    }

    public static StreamEvent error(String ename, String evalue, List<String> traceback) {
        return new StreamEvent("error", null, null, null, System.currentTimeMillis(), null,
                new ErrorInfo(ename, evalue, traceback));
    }

    private static StreamEvent of(String type, String text) {
        return new StreamEvent(type, text, null, null, System.currentTimeMillis(), null, null);
    }
}
