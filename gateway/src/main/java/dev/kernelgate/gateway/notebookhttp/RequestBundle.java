package dev.kernelgate.gateway.notebookhttp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kernelgate.http.Request;
import dev.kernelgate.wire.Json;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The {@code REQUEST} value an endpoint cell reads, built as upstream builds it:
 * {@code {"body": ..., "args": {"k": ["v", ...]}, "path": {"name": "v"}, "headers": {"Name": "v" or ["v", ...]}}}.
 * The body is parsed JSON for {@code application/json} (the text when it does not parse), the form fields
 * ({@code {"k": ["v"]}}, files left out) for {@code application/x-www-form-urlencoded} and
 * {@code multipart/form-data}, else the text. Header names are spelled as Tornado spells them ({@code Content-Type}).
 */
final class RequestBundle {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String FORM_URLENCODED = "application/x-www-form-urlencoded";
    private static final String MULTIPART = "multipart/form-data";
    private static final String JSON = "application/json";

    private RequestBundle() {
    }

    static ObjectNode of(Request request) {
        ObjectNode bundle = NODES.objectNode();
        bundle.set("body", body(request));
        bundle.set("args", args(new QueryStringDecoder(request.uri()).parameters()));
        ObjectNode path = bundle.putObject("path");
        request.pathParams().forEach(path::put);
        bundle.set("headers", headers(request));
        return bundle;
    }

    /** The statement that hands the bundle to the kernel: a string literal holding its JSON text. */
    static String code(ObjectNode bundle, String language) {
        String literal = PythonJson.string(PythonJson.dumps(bundle));
        return "perl".equalsIgnoreCase(language) ? "my $REQUEST = " + literal : "REQUEST = " + literal;
    }

    private static JsonNode body(Request request) {
        String text = request.hasBody() ? request.bodyText() : "";
        String contentType = request.header(HttpHeaderNames.CONTENT_TYPE);
        // Upstream compares the whole header: "application/json; charset=utf-8" is text to it, and so it is here.
        if (contentType == null) {
            return TextNode.valueOf(text);
        }
        if (contentType.equals(FORM_URLENCODED)) {
            return args(new QueryStringDecoder(text, StandardCharsets.UTF_8, false).parameters());
        }
        if (contentType.startsWith(MULTIPART)) {
            return multipart(request);
        }
        if (contentType.equals(JSON)) {
            try {
                JsonNode parsed = Json.MAPPER.readTree(text);
                return parsed == null ? TextNode.valueOf(text) : parsed;
            } catch (IOException e) {
                return TextNode.valueOf(text);
            }
        }
        return TextNode.valueOf(text);
    }

    private static ObjectNode args(Map<String, List<String>> parameters) {
        ObjectNode args = NODES.objectNode();
        parameters.forEach((name, values) -> {
            ArrayNode list = args.putArray(name);
            values.forEach(list::add);
        });
        return args;
    }

    /** The form's fields; file parts are not fields (Tornado keeps them apart and upstream does not pass them). */
    private static ObjectNode multipart(Request request) {
        ObjectNode fields = NODES.objectNode();
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.set(request.headers());
        DefaultFullHttpRequest copy = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, request.uri(),
                Unpooled.wrappedBuffer(request.bodyBytes()), headers, new DefaultHttpHeaders());
        HttpPostMultipartRequestDecoder decoder = null;
        try {
            decoder = new HttpPostMultipartRequestDecoder(new DefaultHttpDataFactory(false), copy,
                    StandardCharsets.UTF_8);
            for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
                if (data.getHttpDataType() == InterfaceHttpData.HttpDataType.Attribute) {
                    Attribute field = (Attribute) data;
                    ArrayNode values = fields.has(field.getName()) ? (ArrayNode) fields.get(field.getName())
                            : fields.putArray(field.getName());
                    values.add(field.getValue());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Tornado logs a malformed form and carries on with the fields it read: so do we.
            return fields;
        } finally {
            if (decoder != null) {
                decoder.destroy();
            }
            if (copy.refCnt() > 0) {
                copy.release();
            }
        }
        return fields;
    }

    private static ObjectNode headers(Request request) {
        ObjectNode out = NODES.objectNode();
        request.headers().forEach(entry -> {
            String name = tornadoName(entry.getKey());
            JsonNode seen = out.get(name);
            if (seen == null) {
                out.put(name, entry.getValue());
            } else if (seen.isArray()) {
                ((ArrayNode) seen).add(entry.getValue());
            } else {
                out.putArray(name).add(seen.asText()).add(entry.getValue());
            }
        });
        return out;
    }

    /** {@code content-TYPE} → {@code Content-Type}: each dash-separated word capitalized. */
    static String tornadoName(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean start = true;
        for (char c : name.toCharArray()) {
            out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = c == '-';
        }
        return out.toString();
    }
}
