package dev.kernelgate.notebooks.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The two framings of the kernels channels WebSocket, written here from the protocol description rather than
 * reusing the gateway's own codec, so that a symmetric bug cannot hide: legacy JSON (text frames; binary frames
 * with {@code u32be} offsets when a message has buffers) and {@code v1.kernel.websocket.jupyter.org}
 * ({@code u64le} offsets, channel, the four JSON parts, buffers).
 *
 * <p>Decoding also checks what front ends rely on (JupyterLab's {@code validate.ts}, jupyter_server's
 * {@code ChannelQueue}); a violation is a {@link ProtocolViolation}.
 */
enum Framing {
    LEGACY(null),
    V1("v1.kernel.websocket.jupyter.org");

    private static final Set<String> CHANNELS = Set.of("shell", "iopub", "stdin", "control");

    /** The Sec-WebSocket-Protocol to offer, or null to offer none. */
    final String subprotocol;

    Framing(String subprotocol) {
        this.subprotocol = subprotocol;
    }

    /** A frame to send: text for the legacy protocol without buffers, binary otherwise. */
    record Frame(boolean binary, byte[] data) {
    }

    static final class ProtocolViolation extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolViolation(String message) {
            super(message);
        }
    }

    Frame encode(KernelMessage m) throws IOException {
        if (this == LEGACY) {
            ObjectNode json = Notebook.MAPPER.createObjectNode();
            json.set("header", m.header());
            json.set("parent_header", m.parentHeader());
            json.set("metadata", m.metadata());
            json.set("content", m.content());
            json.put("channel", m.channel());
            json.putArray("buffers");
            return new Frame(false, Notebook.MAPPER.writeValueAsBytes(json));
        }
        List<byte[]> parts = new ArrayList<>();
        parts.add(m.channel().getBytes(StandardCharsets.US_ASCII));
        parts.add(Notebook.MAPPER.writeValueAsBytes(m.header()));
        parts.add(Notebook.MAPPER.writeValueAsBytes(m.parentHeader()));
        parts.add(Notebook.MAPPER.writeValueAsBytes(m.metadata()));
        parts.add(Notebook.MAPPER.writeValueAsBytes(m.content()));
        parts.addAll(m.buffers());
        int n = parts.size() + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer offsets = ByteBuffer.allocate(8 * (n + 1)).order(ByteOrder.LITTLE_ENDIAN);
        offsets.putLong(n);
        long offset = 8L * (n + 1);
        offsets.putLong(offset);
        for (byte[] part : parts) {
            offset += part.length;
            offsets.putLong(offset);
        }
        out.write(offsets.array());
        for (byte[] part : parts) {
            out.write(part);
        }
        return new Frame(true, out.toByteArray());
    }

    KernelMessage decode(boolean binary, byte[] data) throws ProtocolViolation {
        if (this == V1) {
            if (!binary) {
                throw new ProtocolViolation("text frame on the v1 protocol: " + excerpt(data));
            }
            return decodeV1(data);
        }
        if (!binary) {
            ObjectNode json = parseObject(data, "legacy text frame");
            JsonNode buffers = json.get("buffers");
            if (buffers == null || !buffers.isArray()) {
                throw new ProtocolViolation("legacy text frame without a 'buffers' array: " + excerpt(data));
            }
            KernelMessage m = fromLegacyJson(json, List.of());
            if (!m.msgId().equals(json.path("msg_id").asText(null))
                    || !m.msgType().equals(json.path("msg_type").asText(null))) {
                throw new ProtocolViolation("legacy top-level msg_id/msg_type missing or not the header's: "
                        + excerpt(data));
            }
            return m;
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        if (data.length < 8) {
            throw new ProtocolViolation("legacy binary frame of " + data.length + " bytes");
        }
        int n = in.getInt();
        if (n < 1 || 4L * (n + 1) > data.length) {
            throw new ProtocolViolation("legacy binary frame: bad buffer count " + n);
        }
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            offsets[i] = in.getInt();
        }
        offsets[n] = data.length;
        checkOffsets(offsets, 4 * (n + 1), data.length, "legacy binary");
        List<byte[]> buffers = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            buffers.add(Arrays.copyOfRange(data, offsets[i], offsets[i + 1]));
        }
        byte[] json = Arrays.copyOfRange(data, offsets[0], offsets[1]);
        return fromLegacyJson(parseObject(json, "legacy binary frame's JSON"), buffers);
    }

    private static KernelMessage decodeV1(byte[] data) throws ProtocolViolation {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 8) {
            throw new ProtocolViolation("v1 frame of " + data.length + " bytes");
        }
        long count = in.getLong();
        if (count < 6 || 8 * (count + 1) > data.length) {
            throw new ProtocolViolation("v1 frame: bad offset count " + count);
        }
        int n = (int) count;
        int[] offsets = new int[n];
        for (int i = 0; i < n; i++) {
            long value = in.getLong();
            if (value < 0 || value > data.length) {
                throw new ProtocolViolation("v1 frame: offset " + i + " = " + value + " outside the frame");
            }
            offsets[i] = (int) value;
        }
        checkOffsets(offsets, 8 * (n + 1), data.length, "v1");
        if (offsets[n - 1] != data.length) {
            throw new ProtocolViolation("v1 frame: last offset " + offsets[n - 1] + " != frame length " + data.length);
        }
        String channel = new String(data, offsets[0], offsets[1] - offsets[0], StandardCharsets.US_ASCII);
        ObjectNode[] parts = new ObjectNode[4];
        String[] names = {"header", "parent_header", "metadata", "content"};
        for (int i = 0; i < 4; i++) {
            parts[i] = parseObject(Arrays.copyOfRange(data, offsets[i + 1], offsets[i + 2]), "v1 " + names[i]);
        }
        List<byte[]> buffers = new ArrayList<>();
        for (int i = 5; i < n - 1; i++) {
            buffers.add(Arrays.copyOfRange(data, offsets[i], offsets[i + 1]));
        }
        return validated(new KernelMessage(channel, parts[0], parts[1], parts[2], parts[3], buffers));
    }

    private static void checkOffsets(int[] offsets, int first, int length, String what) throws ProtocolViolation {
        if (offsets[0] != first) {
            throw new ProtocolViolation(what + " frame: first offset " + offsets[0] + ", expected " + first);
        }
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] < offsets[i - 1] || offsets[i] > length) {
                throw new ProtocolViolation(what + " frame: offsets out of order: " + Arrays.toString(offsets));
            }
        }
    }

    private static KernelMessage fromLegacyJson(ObjectNode json, List<byte[]> buffers) throws ProtocolViolation {
        return validated(new KernelMessage(json.path("channel").asText(null), object(json, "header"),
                object(json, "parent_header"), object(json, "metadata"), object(json, "content"), buffers));
    }

    private static ObjectNode object(ObjectNode json, String field) throws ProtocolViolation {
        if (json.get(field) instanceof ObjectNode node) {
            return node;
        }
        throw new ProtocolViolation("message without a '" + field + "' object: " + excerpt(json.toString()));
    }

    private static KernelMessage validated(KernelMessage m) throws ProtocolViolation {
        if (m.channel() == null || !CHANNELS.contains(m.channel())) {
            throw new ProtocolViolation("bad channel '" + m.channel() + "' on " + m);
        }
        for (String field : List.of("msg_id", "msg_type", "session", "username", "version")) {
            if (!m.header().path(field).isTextual()) {
                throw new ProtocolViolation("header." + field + " is not a string: " + m.header());
            }
        }
        return m;
    }

    private static ObjectNode parseObject(byte[] json, String what) throws ProtocolViolation {
        try {
            if (Notebook.MAPPER.readTree(json) instanceof ObjectNode node) {
                return node;
            }
            throw new ProtocolViolation(what + " is not a JSON object: " + excerpt(json));
        } catch (JsonProcessingException e) {
            throw new ProtocolViolation(what + " is not valid JSON (" + e.getOriginalMessage() + "): " + excerpt(json));
        } catch (IOException e) {
            throw new ProtocolViolation(what + " unreadable: " + e);
        }
    }

    private static String excerpt(byte[] data) {
        return excerpt(new String(data, 0, Math.min(data.length, 400), StandardCharsets.UTF_8));
    }

    private static String excerpt(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    @Override
    public String toString() {
        return this == LEGACY ? "legacy" : "v1";
    }
}
