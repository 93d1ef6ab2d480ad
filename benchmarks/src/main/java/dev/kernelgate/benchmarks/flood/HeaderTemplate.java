package dev.kernelgate.benchmarks.flood;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Header;
import dev.kernelgate.wire.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A message header serialised once; each message only splices in its msg_id ({@code <prefix><n>}). Unique ids
 * matter beyond the protocol: the header is signed, and receivers refuse a signature they have already seen.
 */
final class HeaderTemplate {
    private final byte[] before;
    private final byte[] after;

    /** {@code idPrefix} and the other values must need no JSON escaping (a UUID, a message type, a timestamp). */
    HeaderTemplate(String idPrefix, String session, String msgType, String date) {
        ObjectNode header = Json.object();
        header.put("msg_id", idPrefix);
        header.put("session", session);
        header.put("username", "kernel");
        header.put("date", date);
        header.put("msg_type", msgType);
        header.put("version", Header.PROTOCOL_VERSION);
        byte[] json = Json.bytes(header);
        int split = ("{\"msg_id\":\"" + idPrefix).getBytes(StandardCharsets.UTF_8).length;
        before = Arrays.copyOf(json, split);
        after = Arrays.copyOfRange(json, split, json.length);
    }

    /** The header bytes of message {@code n} (n ≥ 0). */
    byte[] header(long n) {
        int digits = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) {
            digits++;
        }
        byte[] out = new byte[before.length + digits + after.length];
        System.arraycopy(before, 0, out, 0, before.length);
        long rest = n;
        for (int i = before.length + digits - 1; i >= before.length; i--) {
            out[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        System.arraycopy(after, 0, out, before.length + digits, after.length);
        return out;
    }
}
