package dev.kernelgate.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The multipart ZMQ form of a message: {@code [identities…] <IDS|MSG> signature header parent metadata content
 * [buffers…]}. Encoding signs exactly the bytes sent; decoding verifies before anything is parsed.
 */
public final class ZmqCodec {
    public static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    private ZmqCodec() {
    }

    public static List<byte[]> encode(WireMessage message, Signer signer) {
        List<byte[]> frames = new ArrayList<>(message.identities().size() + 6 + message.buffers().size());
        frames.addAll(message.identities());
        frames.add(DELIMITER);
        frames.add(signer.sign(message.header(), message.parentHeader(), message.metadata(), message.content()));
        frames.add(message.header());
        frames.add(message.parentHeader());
        frames.add(message.metadata());
        frames.add(message.content());
        frames.addAll(message.buffers());
        return frames;
    }

    /**
     * Splits and verifies received frames.
     *
     * @param history replay protection for the receiving session, or null to skip it
     */
    public static WireMessage decode(List<byte[]> frames, Signer signer, SignatureHistory history)
            throws WireException {
        int delimiter = indexOfDelimiter(frames);
        if (delimiter < 0) {
            throw new MalformedMessageException("no <IDS|MSG> delimiter among " + frames.size() + " frames");
        }
        int rest = frames.size() - delimiter - 1;
        if (rest < 5) {
            throw new MalformedMessageException("expected signature and 4 JSON parts after <IDS|MSG>, got "
                    + rest + " frames");
        }
        byte[] signature = frames.get(delimiter + 1);
        byte[] header = frames.get(delimiter + 2);
        byte[] parent = frames.get(delimiter + 3);
        byte[] metadata = frames.get(delimiter + 4);
        byte[] content = frames.get(delimiter + 5);
        if (signer.enabled()) {
            if (signature.length == 0) {
                throw new SignatureException(SignatureException.Kind.MISSING, "unsigned message");
            }
            if (!signer.verify(signature, header, parent, metadata, content)) {
                throw new SignatureException(SignatureException.Kind.INVALID, "invalid signature");
            }
            if (history != null && !history.add(signature)) {
                throw new SignatureException(SignatureException.Kind.DUPLICATE, "duplicate signature (replay)");
            }
        }
        List<byte[]> identities = delimiter == 0 ? List.of() : List.copyOf(frames.subList(0, delimiter));
        List<byte[]> buffers = rest == 5 ? List.of() : List.copyOf(frames.subList(delimiter + 6, frames.size()));
        return new WireMessage(identities, header, parent, metadata, content, buffers);
    }

    private static int indexOfDelimiter(List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                return i;
            }
        }
        return -1;
    }
}
