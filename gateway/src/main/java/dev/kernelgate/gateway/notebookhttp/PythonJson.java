package dev.kernelgate.gateway.notebookhttp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kernelgate.wire.Json;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON text spelled as Python's {@code json.dumps} spells it ({@code ", "} and {@code ": "} separators, non-ASCII
 * escaped): what upstream hands the kernel as {@code REQUEST} and answers for an {@code execute_result}, so code that
 * compares such text sees the same characters.
 */
final class PythonJson {
    private PythonJson() {
    }

    static String dumps(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                string(field.getKey(), out, true);
                out.append(": ");
                write(field.getValue(), out);
                if (fields.hasNext()) {
                    out.append(", ");
                }
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            string(node.asText(), out, true);
        } else {
            out.append(compact(node));
        }
    }

    /** A JSON string literal with only ASCII in it (valid in Python and R source as well). */
    static void string(String value, StringBuilder out) {
        string(value, out, false);
    }

    /**
     * {@code inert}: also write {@code $ @ # `} as JSON unicode escapes. The JSON text goes into a kernel's source as a
     * string literal, and Perl, Ruby and Julia interpolate code from those characters in one ({@code @{[ ... ]}},
     * {@code #{...}}, {@code $(...)}): escaped in the JSON, they reach the kernel's JSON parser unchanged and the
     * language's own parser never sees them.
     */
    private static void string(String value, StringBuilder out, boolean inert) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e || (inert && (c == '$' || c == '@' || c == '#' || c == '`'))) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    static String string(String value) {
        StringBuilder out = new StringBuilder();
        string(value, out);
        return out.toString();
    }

    private static String compact(JsonNode scalar) {
        try {
            return Json.MAPPER.writeValueAsString(scalar);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(scalar.asText()).toString();
        }
    }
}
