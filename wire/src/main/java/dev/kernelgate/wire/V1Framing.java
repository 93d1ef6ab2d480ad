package dev.kernelgate.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code v1.kernel.websocket.jupyter.org}: always binary, {@code u64le n}, {@code n} u64le offsets, then the
 * channel name, the four JSON parts as the kernel sent them, and the buffers. The JSON parts are never re-serialised.
 */
public final class V1Framing implements WsFraming {
    public static final String SUBPROTOCOL = "v1.kernel.websocket.jupyter.org";
    private static final int FIXED_PARTS = 5;

    @Override
    public String subprotocol() {
        return SUBPROTOCOL;
    }

    @Override
    public WsFrame encode(ChannelMessage message) {
        WireMessage m = message.message();
        byte[] channel = message.channel().wireName().getBytes(StandardCharsets.US_ASCII);
        List<byte[]> parts = new ArrayList<>(FIXED_PARTS + m.buffers().size());
        parts.add(channel);
        parts.add(m.header());
        parts.add(m.parentHeader());
        parts.add(m.metadata());
        parts.add(m.content());
        parts.addAll(m.buffers());
        int offsets = parts.size() + 1;
        long start = 8L * (offsets + 1);
        long total = start;
        for (byte[] part : parts) {
            total += part.length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("message too large for one WebSocket frame: " + total + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(offsets);
        long offset = start;
        out.putLong(offset);
        for (byte[] part : parts) {
            offset += part.length;
            out.putLong(offset);
        }
        for (byte[] part : parts) {
            out.put(part);
        }
        return WsFrame.binary(out.array());
    }

    @Override
    public ChannelMessage decode(WsFrame frame) throws MalformedMessageException {
        if (!frame.binary()) {
            throw new MalformedMessageException("the v1 protocol carries binary frames only");
        }
        byte[] data = frame.data();
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 8) {
            throw new MalformedMessageException("frame too short for an offset count");
        }
        long count = in.getLong();
        if (count < FIXED_PARTS + 1 || count > (data.length - 8) / 8) {
            throw new MalformedMessageException("bad offset count " + count + " for a " + data.length + "-byte frame");
        }
        int n = (int) count;
        int[] offsets = new int[n];
        long previous = 8L * (n + 1);
        for (int i = 0; i < n; i++) {
            long value = in.getLong();
            if (value < previous || value > data.length || (i == 0 && value != previous)) {
                throw new MalformedMessageException("offset " + i + " (" + value + ") out of order or out of range");
            }
            offsets[i] = (int) value;
            previous = value;
        }
        if (offsets[n - 1] != data.length) {
            throw new MalformedMessageException("last offset " + offsets[n - 1] + " does not end the "
                    + data.length + "-byte frame");
        }
        String channelName = new String(data, offsets[0], offsets[1] - offsets[0], StandardCharsets.US_ASCII);
        Channel channel = Channel.fromWireName(channelName);
        if (channel == null || channel == Channel.HB) {
            throw new MalformedMessageException("unknown channel '" + channelName + "'");
        }
        List<byte[]> buffers = new ArrayList<>(n - FIXED_PARTS - 1);
        for (int i = FIXED_PARTS; i < n - 1; i++) {
            buffers.add(Arrays.copyOfRange(data, offsets[i], offsets[i + 1]));
        }
        byte[] header = Arrays.copyOfRange(data, offsets[1], offsets[2]);
        byte[] parent = Arrays.copyOfRange(data, offsets[2], offsets[3]);
        byte[] metadata = Arrays.copyOfRange(data, offsets[3], offsets[4]);
        byte[] content = Arrays.copyOfRange(data, offsets[4], offsets[5]);
        if (parent.length == 0) {
            parent = Json.EMPTY_OBJECT;
        }
        return new ChannelMessage(channel, new WireMessage(header, parent, metadata, content, buffers));
    }
}
