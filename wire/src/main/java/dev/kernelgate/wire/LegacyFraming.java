package dev.kernelgate.wire;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The default (no subprotocol) kernels WebSocket protocol: one JSON text frame per message with top-level
 * {@code channel}, {@code msg_id}, {@code msg_type} and {@code buffers}; a binary frame ({@code u32be} count and
 * offsets, JSON first, then buffers) only when the message has buffers.
 */
public final class LegacyFraming implements WsFraming {
    private static final byte[] HEADER = ascii("{\"header\":");
    private static final byte[] MSG_ID = ascii(",\"msg_id\":\"");
    private static final byte[] MSG_TYPE = ascii("\",\"msg_type\":\"");
    private static final byte[] PARENT = ascii("\",\"parent_header\":");
    private static final byte[] METADATA = ascii(",\"metadata\":");
    private static final byte[] CONTENT = ascii(",\"content\":");
    private static final byte[] NO_BUFFERS = ascii(",\"buffers\":[]");
    private static final byte[] CHANNEL = ascii(",\"channel\":\"");
    private static final byte[] END = ascii("\"}");

    @Override
    public String subprotocol() {
        return null;
    }

    @Override
    public WsFrame encode(ChannelMessage message) {
        WireMessage m = message.message();
        byte[] json = json(message.channel(), m, m.buffers().isEmpty());
        if (m.buffers().isEmpty()) {
            return new WsFrame(false, json);
        }
        List<byte[]> parts = new ArrayList<>(1 + m.buffers().size());
        parts.add(json);
        parts.addAll(m.buffers());
        int count = parts.size();
        int total = 4 * (count + 1);
        for (byte[] part : parts) {
            total += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(count);
        int offset = 4 * (count + 1);
        for (byte[] part : parts) {
            out.putInt(offset);
            offset += part.length;
        }
        for (byte[] part : parts) {
            out.put(part);
        }
        return WsFrame.binary(out.array());
    }

    /** Splices the raw JSON parts into one object: no re-serialisation of the kernel's JSON. */
    private static byte[] json(Channel channel, WireMessage m, boolean withBuffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.header().length + m.parentHeader().length
                + m.metadata().length + m.content().length + 160);
        out.writeBytes(HEADER);
        out.writeBytes(m.header());
        out.writeBytes(MSG_ID);
        out.writeBytes(escaped(m.msgId()));
        out.writeBytes(MSG_TYPE);
        out.writeBytes(escaped(m.msgType()));
        out.writeBytes(PARENT);
        out.writeBytes(m.parentHeader());
        out.writeBytes(METADATA);
        out.writeBytes(m.metadata());
        out.writeBytes(CONTENT);
        out.writeBytes(m.content());
        if (withBuffers) {
            out.writeBytes(NO_BUFFERS);
        }
        out.writeBytes(CHANNEL);
        out.writeBytes(ascii(channel.wireName()));
        out.writeBytes(END);
        return out.toByteArray();
    }

    @Override
    public ChannelMessage decode(WsFrame frame) throws MalformedMessageException {
        if (!frame.binary()) {
            return fromJson(Json.parseObject(frame.data(), "message"), List.of());
        }
        byte[] data = frame.data();
        ByteBuffer in = ByteBuffer.wrap(data);
        if (data.length < 8) {
            throw new MalformedMessageException("binary frame too short");
        }
        long count = Integer.toUnsignedLong(in.getInt());
        if (count < 1 || count > (data.length - 4) / 4) {
            throw new MalformedMessageException("bad buffer count " + count + " for a " + data.length + "-byte frame");
        }
        int n = (int) count;
        int[] offsets = new int[n + 1];
        long previous = 4L * (n + 1);
        for (int i = 0; i < n; i++) {
            long value = Integer.toUnsignedLong(in.getInt());
            if (value < previous || value > data.length) {
                throw new MalformedMessageException("offset " + i + " (" + value + ") out of order or out of range");
            }
            offsets[i] = (int) value;
            previous = value;
        }
        offsets[n] = data.length;
        List<byte[]> buffers = new ArrayList<>(n - 1);
        for (int i = 1; i < n; i++) {
            buffers.add(Arrays.copyOfRange(data, offsets[i], offsets[i + 1]));
        }
        byte[] json = Arrays.copyOfRange(data, offsets[0], offsets[1]);
        return fromJson(Json.parseObject(json, "message"), buffers);
    }

    private static ChannelMessage fromJson(ObjectNode msg, List<byte[]> buffers) throws MalformedMessageException {
        JsonNode channelNode = msg.get("channel");
        Channel channel = channelNode == null || channelNode.isNull()
                ? Channel.SHELL
                : Channel.fromWireName(channelNode.asText());
        if (channel == null || channel == Channel.HB) {
            throw new MalformedMessageException("unknown channel '" + channelNode.asText() + "'");
        }
        JsonNode header = msg.get("header");
        if (!(header instanceof ObjectNode)) {
            throw new MalformedMessageException("message has no header object");
        }
        return new ChannelMessage(channel, new WireMessage(Json.bytes(header), objectOrEmpty(msg, "parent_header"),
                objectOrEmpty(msg, "metadata"), objectOrEmpty(msg, "content"), buffers));
    }

    private static byte[] objectOrEmpty(ObjectNode msg, String field) throws MalformedMessageException {
        JsonNode node = msg.get(field);
        if (node == null || node.isNull()) {
            return Json.EMPTY_OBJECT;
        }
        if (!node.isObject()) {
            throw new MalformedMessageException("'" + field + "' is not a JSON object");
        }
        return Json.bytes(node);
    }

    private static byte[] escaped(String value) {
        if (value == null) {
            return new byte[0];
        }
        return JsonStringEncoder.getInstance().quoteAsUTF8(value);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

}
