package dev.kernelgate.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** An execd event stream as received: bare JSON objects separated by a blank line. */
record ExecdEvents(List<JsonNode> events) {
    static ExecdEvents parse(String body) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String part : body.split("\n\n")) {
            if (!part.isBlank()) {
                events.add(Json.MAPPER.readTree(part));
            }
        }
        return new ExecdEvents(events);
    }

    /** The stdout lines, whether the server sent one line per event or text with newlines in it. */
    List<String> stdoutLines() {
        List<String> lines = new ArrayList<>();
        for (JsonNode e : events) {
            if ("stdout".equals(e.path("type").asText())) {
                for (String line : e.path("text").asText().split("\n")) {
                    if (!line.isEmpty()) {
                        lines.add(line);
                    }
                }
            }
        }
        return lines;
    }

    boolean completed() {
        return events.stream().anyMatch(e -> "execution_complete".equals(e.path("type").asText()));
    }

    boolean hasError() {
        return events.stream().anyMatch(e -> "error".equals(e.path("type").asText()));
    }

    /** The events as received with their stdout text left out, for a report of what went missing. */
    String summary() {
        return events.stream().map(e -> e.path("type").asText() + (e.has("text") && !"stdout".equals(
                e.path("type").asText()) ? "(" + e.path("text").asText() + ")" : "")
                + (e.has("evalue") ? "(" + e.path("evalue").asText() + ")" : "")).toList().toString();
    }
}
