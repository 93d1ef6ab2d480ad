package dev.kernelgate.notebooks.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a hand-written Jupyter WebSocket client needs, written from the protocol documents rather than with the
 * project's own wire classes (so a bug there cannot hide itself): legacy-protocol messages, the legacy binary
 * frame layout, and the few REST calls of the Kernel Gateway API.
 */
final class KernelMessages {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KernelMessages() {
    }

    /** A legacy-protocol message: header, empty parent/metadata, {@code content}, top-level {@code channel}. */
    static ObjectNode request(String session, String channel, String msgType, ObjectNode content) {
        ObjectNode msg = JSON.createObjectNode();
        ObjectNode header = msg.putObject("header");
        header.put("msg_id", UUID.randomUUID().toString());
        header.put("msg_type", msgType);
        header.put("session", session);
        header.put("username", "test");
        header.put("version", "5.3");
        header.put("date", Instant.now().toString());
        msg.putObject("parent_header");
        msg.putObject("metadata");
        msg.set("content", content);
        msg.put("channel", channel);
        return msg;
    }

    static ObjectNode execute(String session, String code) {
        ObjectNode content = JSON.createObjectNode();
        content.put("code", code);
        content.put("silent", false);
        content.put("store_history", true);
        content.putObject("user_expressions");
        content.put("allow_stdin", false);
        content.put("stop_on_error", false);
        return request(session, "shell", "execute_request", content);
    }

    static String msgId(JsonNode msg) {
        return msg.path("header").path("msg_id").asText();
    }

    static String parentId(JsonNode msg) {
        return msg.path("parent_header").path("msg_id").asText();
    }

    /** Legacy binary frame: u32be count (JSON + buffers), u32be absolute offsets, JSON, then the buffers. */
    static ByteBuffer binaryFrame(JsonNode message, List<byte[]> buffers) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(bytes(message));
        parts.addAll(buffers);
        int header = 4 * (parts.size() + 1);
        int total = header + parts.stream().mapToInt(p -> p.length).sum();
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(parts.size());
        int offset = header;
        for (byte[] part : parts) {
            out.putInt(offset);
            offset += part.length;
        }
        parts.forEach(out::put);
        return out.flip();
    }

    /** A decoded legacy binary frame: the JSON (without "buffers") and the buffers. */
    record Binary(JsonNode json, List<byte[]> buffers) {
    }

    static Binary parseBinaryFrame(ByteBuffer frame) {
        ByteBuffer in = frame.duplicate();
        int start = in.position();
        int count = in.getInt();
        int[] offsets = new int[count + 1];
        for (int i = 0; i < count; i++) {
            offsets[i] = in.getInt();
        }
        offsets[count] = frame.limit() - start;
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] part = new byte[offsets[i + 1] - offsets[i]];
            in.position(start + offsets[i]);
            in.get(part);
            parts.add(part);
        }
        try {
            return new Binary(JSON.readTree(parts.get(0)), parts.subList(1, parts.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code v1.kernel.websocket.jupyter.org} frame of a legacy-shaped message: u64le count, u64le offsets (the first
     * is where the channel starts, each next one where a part ends), channel, header, parent, metadata, content.
     */
    static ByteBuffer v1Frame(JsonNode message) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(message.path("channel").asText().getBytes(StandardCharsets.US_ASCII));
        for (String field : new String[] {"header", "parent_header", "metadata", "content"}) {
            parts.add(bytes(message.path(field)));
        }
        int count = parts.size() + 1;
        int start = 8 * (count + 1);
        int total = start + parts.stream().mapToInt(p -> p.length).sum();
        ByteBuffer out = ByteBuffer.allocate(total).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.putLong(count);
        long offset = start;
        out.putLong(offset);
        for (byte[] part : parts) {
            offset += part.length;
            out.putLong(offset);
        }
        parts.forEach(out::put);
        // Handed over big-endian: the JDK 17 WebSocket client masks 8 bytes at a time with the buffer's own
        // getLong/putLong and scrambles the payload of a little-endian buffer.
        return out.flip().order(java.nio.ByteOrder.BIG_ENDIAN);
    }

    /** A v1 frame as a legacy-shaped JSON object (with "channel") plus its buffers. */
    static Binary parseV1Frame(ByteBuffer frame) {
        ByteBuffer in = frame.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int start = in.position();
        int count = (int) in.getLong();
        int[] offsets = new int[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = (int) in.getLong();
        }
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i + 1 < count; i++) {
            byte[] part = new byte[offsets[i + 1] - offsets[i]];
            in.position(start + offsets[i]);
            in.get(part);
            parts.add(part);
        }
        try {
            ObjectNode msg = JSON.createObjectNode();
            msg.put("channel", new String(parts.get(0), StandardCharsets.US_ASCII));
            msg.set("header", JSON.readTree(parts.get(1)));
            msg.set("parent_header", JSON.readTree(parts.get(2)));
            msg.set("metadata", JSON.readTree(parts.get(3)));
            msg.set("content", JSON.readTree(parts.get(4)));
            return new Binary(msg, parts.subList(5, parts.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- REST ------------------------------------------------------------------------------------------------

    /** POST /api/kernels; returns the new kernel's id. */
    static String startKernel(String baseUrl, String token, String name) throws IOException, InterruptedException {
        HttpResponse<String> r = rest(baseUrl, token, "POST", "/api/kernels", "{\"name\":\"" + name + "\"}");
        if (r.statusCode() != 201) {
            throw new AssertionError("POST /api/kernels: " + r.statusCode() + " " + r.body());
        }
        return parse(r.body()).path("id").asText();
    }

    static HttpResponse<String> rest(String baseUrl, String token, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "token " + token);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
