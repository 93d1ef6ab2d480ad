package dev.kernelgate.notebooks.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns IOPub messages into nbformat outputs the way a notebook front end does (nbclient, JupyterLab's output
 * area): consecutive streams of the same name join into one output; {@code clear_output} empties the cell now, or
 * with {@code wait: true} just before the cell's next output; a {@code display_id} in an {@code
 * update_display_data}, {@code display_data} or {@code execute_result} replaces data and metadata of every
 * earlier output shown with that id, in any cell; {@code update_display_data} adds no output of its own.
 */
final class FrontEnd {
    private record Shown(int cell, ObjectNode output) {
    }

    private final Map<Integer, List<ObjectNode>> outputs = new HashMap<>();
    private final Map<String, List<Shown>> displays = new HashMap<>();
    private boolean clearBeforeNextOutput;

    void startCell(int cell) {
        outputs.put(cell, new ArrayList<>());
        clearBeforeNextOutput = false;
    }

    List<ObjectNode> outputs(int cell) {
        return outputs.getOrDefault(cell, List.of());
    }

    /** Applies one IOPub message that belongs to {@code cell}'s execution. */
    void onIopub(int cell, KernelMessage m) {
        ObjectNode content = m.content();
        String type = m.msgType();
        String displayId = content.path("transient").path("display_id").asText(null);
        boolean displayable = type.equals("display_data") || type.equals("execute_result")
                || type.equals("update_display_data");
        if (displayId != null && displayable) {
            for (Shown shown : displays.getOrDefault(displayId, List.of())) {
                shown.output().set("data", content.path("data").deepCopy());
                shown.output().set("metadata", content.path("metadata").deepCopy());
            }
        }
        if (type.equals("clear_output")) {
            if (content.path("wait").asBoolean(false)) {
                clearBeforeNextOutput = true;
            } else {
                clear(cell);
            }
            return;
        }
        ObjectNode output = toOutput(type, content);
        if (output == null) {
            return;
        }
        if (clearBeforeNextOutput) {
            clear(cell);
            clearBeforeNextOutput = false;
        }
        List<ObjectNode> list = outputs.computeIfAbsent(cell, c -> new ArrayList<>());
        ObjectNode last = list.isEmpty() ? null : list.get(list.size() - 1);
        if (type.equals("stream") && last != null && "stream".equals(last.path("output_type").asText())
                && last.path("name").asText().equals(output.path("name").asText())) {
            last.put("text", last.path("text").asText() + output.path("text").asText());
            return;
        }
        if (displayId != null) {
            displays.computeIfAbsent(displayId, id -> new ArrayList<>()).add(new Shown(cell, output));
        }
        list.add(output);
    }

    private void clear(int cell) {
        outputs.computeIfAbsent(cell, c -> new ArrayList<>()).clear();
        displays.values().forEach(shown -> shown.removeIf(s -> s.cell() == cell));
    }

    /** nbformat's output for an IOPub message, or null for messages that are not outputs. */
    private static ObjectNode toOutput(String type, ObjectNode content) {
        ObjectNode out = Notebook.MAPPER.createObjectNode();
        switch (type) {
            case "stream" -> {
                out.put("output_type", "stream");
                out.put("name", content.path("name").asText());
                out.put("text", content.path("text").asText());
            }
            case "display_data", "execute_result" -> {
                out.put("output_type", type);
                out.set("data", copy(content.get("data")));
                out.set("metadata", copy(content.get("metadata")));
                if (type.equals("execute_result")) {
                    out.set("execution_count", content.get("execution_count"));
                }
            }
            case "error" -> {
                out.put("output_type", "error");
                out.put("ename", content.path("ename").asText());
                out.put("evalue", content.path("evalue").asText());
                JsonNode traceback = content.get("traceback");
                out.set("traceback", traceback == null ? Notebook.MAPPER.createArrayNode() : traceback.deepCopy());
            }
            default -> {
                return null;
            }
        }
        return out;
    }

    private static JsonNode copy(JsonNode node) {
        return node == null ? Notebook.MAPPER.createObjectNode() : node.deepCopy();
    }
}
