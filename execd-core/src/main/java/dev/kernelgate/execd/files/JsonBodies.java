package dev.kernelgate.execd.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Request bodies decoded like Go's {@code json.Decoder}, failures as 400 INVALID_REQUEST_BODY. */
final class JsonBodies {

    private JsonBodies() {
    }

    /** The first JSON value of the body; an empty body is an error (Go's EOF). */
    static JsonNode tree(Request request, ObjectMapper mapper) {
        try {
            JsonNode node = mapper.readTree(request.bodyBytes());
            if (node == null || node.isMissingNode()) {
                throw new IOException("EOF");
            }
            return node;
        } catch (IOException e) {
            throw FsErrors.invalidBody(e);
        }
    }

    /** A JSON object as an ordered map ({@code null} → empty), each value converted by {@code value}. */
    static <T> Map<String, T> objectOf(JsonNode node, Function<JsonNode, T> value) {
        Map<String, T> out = new LinkedHashMap<>();
        if (node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw FsErrors.invalidBody(new IllegalArgumentException("json: cannot unmarshal " + kind(node)
                    + " into Go value of type map"));
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            try {
                out.put(e.getKey(), value.apply(e.getValue()));
            } catch (IllegalArgumentException bad) {
                throw FsErrors.invalidBody(bad);
            }
        }
        return out;
    }

    static String string(JsonNode object, String field) {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("json: cannot unmarshal " + kind(v) + " into field " + field
                    + " of type string");
        }
        return v.textValue();
    }

    static int integer(JsonNode object, String field) {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("json: cannot unmarshal " + kind(v) + " into field " + field
                    + " of type int");
        }
        return v.intValue();
    }

    static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "bool";
            case ARRAY -> "array";
            case OBJECT -> "object";
            default -> "null";
        };
    }

    static HttpError badValue(String message) {
        return FsErrors.invalidBody(new IllegalArgumentException(message));
    }
}
