package dev.kernelgate.gateway.notebookhttp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Json;
import java.util.List;

/**
 * The Swagger 2.0 description upstream derives from the annotations: every endpoint cell's path (as written, with
 * {@code :name}) and verb, each answering {@code 200 Success}; the title is the notebook's name.
 */
final class SwaggerSpec {
    private SwaggerSpec() {
    }

    static ObjectNode of(SeedNotebook notebook, ApiCellParser parser) {
        ObjectNode spec = Json.object();
        spec.put("swagger", "2.0");
        ObjectNode paths = spec.putObject("paths");
        spec.putObject("info").put("version", "0.0.0").put("title", notebook.title());
        List<String> cells = notebook.codeCells();
        for (String cell : cells) {
            String[] verbPath = parser.verbAndPath(cell);
            if (verbPath == null) {
                continue;
            }
            ObjectNode path = paths.has(verbPath[1]) ? (ObjectNode) paths.get(verbPath[1])
                    : paths.putObject(verbPath[1]);
            path.putObject(verbPath[0].toLowerCase(java.util.Locale.ROOT))
                    .putObject("responses").putObject("200").put("description", "Success");
        }
        return spec;
    }
}
