package dev.kernelgate.kernels.zmtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A ZMTP command (RFC 23): a name of at most 255 bytes, then a body; READY's body is a list of properties
 * (name of at most 255 bytes, value with a 4-byte length), ERROR's a reason of at most 255 bytes.
 */
record ZmtpCommand(String name, byte[] body) {
    static final String READY = "READY";
    static final String ERROR = "ERROR";

    /** READY announcing our socket type and, when not null, our identity (the peer ROUTER's routing id for us). */
    static ZmtpCommand ready(String socketType, byte[] identity) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        property(body, "Socket-Type", socketType.getBytes(StandardCharsets.US_ASCII));
        if (identity != null) {
            property(body, "Identity", identity);
        }
        return new ZmtpCommand(READY, body.toByteArray());
    }

    private static void property(ByteArrayOutputStream out, String name, byte[] value) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        out.write(n.length);
        out.writeBytes(n);
        out.write(value.length >>> 24);
        out.write(value.length >>> 16);
        out.write(value.length >>> 8);
        out.write(value.length);
        out.writeBytes(value);
    }

    /** The command's frame body: name length, name, body. */
    byte[] encode() {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[1 + n.length + body.length];
        out[0] = (byte) n.length;
        System.arraycopy(n, 0, out, 1, n.length);
        System.arraycopy(body, 0, out, 1 + n.length, body.length);
        return out;
    }

    /** Parses a command frame's body; throws {@link ZmtpException} when it is malformed. */
    static ZmtpCommand decode(byte[] frame) {
        if (frame.length < 1 || frame.length < 1 + (frame[0] & 0xFF)) {
            throw new ZmtpException("malformed command frame of " + frame.length + " bytes");
        }
        int nameLength = frame[0] & 0xFF;
        String name = new String(frame, 1, nameLength, StandardCharsets.US_ASCII);
        byte[] body = new byte[frame.length - 1 - nameLength];
        System.arraycopy(frame, 1 + nameLength, body, 0, body.length);
        return new ZmtpCommand(name, body);
    }

    /** READY's properties, names lower-cased (they are case-insensitive). */
    Map<String, byte[]> properties() {
        Map<String, byte[]> properties = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length) {
            int nameLength = body[i] & 0xFF;
            if (i + 1 + nameLength + 4 > body.length) {
                throw new ZmtpException("malformed " + name + " property list");
            }
            String key = new String(body, i + 1, nameLength, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
            i += 1 + nameLength;
            long valueLength = ((long) (body[i] & 0xFF) << 24) | ((body[i + 1] & 0xFF) << 16)
                    | ((body[i + 2] & 0xFF) << 8) | (body[i + 3] & 0xFF);
            i += 4;
            if (valueLength > body.length - i) {
                throw new ZmtpException("malformed " + name + " property " + key);
            }
            byte[] value = new byte[(int) valueLength];
            System.arraycopy(body, i, value, 0, value.length);
            properties.put(key, value);
            i += value.length;
        }
        return properties;
    }

    /** ERROR's reason. */
    String reason() {
        if (body.length == 0) {
            return "";
        }
        int length = Math.min(body[0] & 0xFF, body.length - 1);
        return new String(body, 1, length, StandardCharsets.US_ASCII);
    }
}
