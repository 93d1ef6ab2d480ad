package dev.kernelgate.wire;

import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Iterator;

/**
 * Signatures already accepted by one receiving session, so that a replayed message is refused. Bounded:
 * the oldest entries are forgotten first. Not thread-safe: owned by the thread that reads the sockets.
 */
public final class SignatureHistory {
    public static final int DEFAULT_CAPACITY = 1 << 16;

    private final int capacity;
    private final LinkedHashSet<ByteBuffer> seen = new LinkedHashSet<>();

    public SignatureHistory() {
        this(DEFAULT_CAPACITY);
    }

    public SignatureHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** Records {@code signature}; false when it was already recorded (a duplicate). */
    public boolean add(byte[] signature) {
        if (!seen.add(ByteBuffer.wrap(signature))) {
            return false;
        }
        if (seen.size() > capacity) {
            Iterator<ByteBuffer> oldest = seen.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    public int size() {
        return seen.size();
    }
}
