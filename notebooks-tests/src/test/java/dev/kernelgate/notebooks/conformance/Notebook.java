package dev.kernelgate.notebooks.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The parts of an nbformat 4 notebook the conformance run needs: kernel, language and the code cells. */
record Notebook(Path path, String kernelName, String language, List<CodeCell> cells) {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** A code cell as stored: its position among all cells, source, execution count and outputs. */
    record CodeCell(int index, String id, String source, Integer executionCount, List<ObjectNode> outputs) {
        /** nbclient and JupyterLab do not execute blank cells. */
        boolean executable() {
            return !source.isBlank();
        }

        /** The first non-blank source line, for messages. */
        String firstLine() {
            return source.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        }
    }

    static Notebook load(Path path) throws IOException {
        JsonNode root = MAPPER.readTree(path.toFile());
        if (root.path("nbformat").asInt() != 4) {
            throw new IOException(path + ": not an nbformat 4 notebook");
        }
        String kernel = root.at("/metadata/kernelspec/name").asText("");
        if (kernel.isEmpty()) {
            throw new IOException(path + ": no metadata.kernelspec.name");
        }
        String language = root.at("/metadata/language_info/name").asText(null);
        List<CodeCell> cells = new ArrayList<>();
        JsonNode all = root.path("cells");
        for (int i = 0; i < all.size(); i++) {
            JsonNode cell = all.get(i);
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            List<ObjectNode> outputs = new ArrayList<>();
            for (JsonNode output : cell.path("outputs")) {
                outputs.add((ObjectNode) output);
            }
            JsonNode count = cell.get("execution_count");
            cells.add(new CodeCell(i, cell.path("id").asText(null), multiline(cell.get("source")),
                    count == null || count.isNull() ? null : count.asInt(), outputs));
        }
        return new Notebook(path, kernel, language, List.copyOf(cells));
    }

    /** nbformat's multiline string: either one string or a list of strings to concatenate. */
    static String multiline(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        if (node.isArray()) {
            StringBuilder text = new StringBuilder();
            node.forEach(part -> text.append(part.asText()));
            return text.toString();
        }
        return node.asText();
    }
}
