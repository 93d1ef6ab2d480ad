package dev.kernelgate.execd.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code GET /command/status/{id}} (upstream {@code CommandStatusResponse}): {@code exit_code} and
 * {@code finished_at} are left out while the command runs, {@code content} and {@code error} when empty;
 * times are RFC 3339 in UTC with Go's trimmed fractional seconds ({@code RFC3339Nano}).
 */
@JsonPropertyOrder({"id", "content", "running", "exit_code", "error", "started_at", "finished_at"})
public record CommandStatus(
        @JsonProperty("id") String id,
        @JsonProperty("content") @JsonInclude(JsonInclude.Include.NON_EMPTY) String content,
        @JsonProperty("running") boolean running,
        @JsonProperty("exit_code") @JsonInclude(JsonInclude.Include.NON_NULL) Integer exitCode,
        @JsonProperty("error") @JsonInclude(JsonInclude.Include.NON_EMPTY) String error,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("finished_at") @JsonInclude(JsonInclude.Include.NON_NULL) String finishedAt) {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    /** Go's {@code time.RFC3339Nano} rendering of {@code instant} in UTC, e.g. {@code 2025-12-22T09:08:05.12Z}. */
    public static String rfc3339Nano(Instant instant) {
        if (instant == null) {
            return null;
        }
        StringBuilder s = new StringBuilder(SECONDS.format(instant));
        int nanos = instant.getNano();
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            s.append('.').append(fraction, 0, end);
        }
        return s.append('Z').toString();
    }
}
