package dev.kernelgate.execd.pty;

import java.util.Arrays;

/**
 * The last {@code capacity} bytes of a session's output, addressed by absolute offset: the byte at offset
 * {@code o} lives at {@code o % capacity} while it is retained. Not thread-safe: {@link PtySession} guards it.
 */
final class ReplayBuffer {
    /** Upstream keeps 1 MiB. */
    static final int DEFAULT_CAPACITY = 1 << 20;

    /** Retained output from {@code offset} (the first byte's absolute offset) on; empty when caught up. */
    record Snapshot(long offset, byte[] bytes) {
    }

    /** What a new buffer holds before it grows: a session that prints little costs little. */
    private static final int INITIAL = 4096;

    private final int capacity;
    /** Grows by doubling up to {@code capacity} before it first wraps, so no byte moves when it grows. */
    private byte[] ring;
    private long total;

    ReplayBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.ring = new byte[Math.min(capacity, INITIAL)];
    }

    /** Bytes ever written: the offset the next byte will get. */
    long total() {
        return total;
    }

    void write(byte[] data, int offset, int length) {
        if (ring.length < capacity && total + length > ring.length) {
            grow(total + length);
        }
        int capacity = ring.length;
        if (length > capacity) {
            // Only the tail survives; the offsets of the skipped bytes still count.
            total += length - capacity;
            offset += length - capacity;
            length = capacity;
        }
        int at = (int) (total % capacity);
        int first = Math.min(length, capacity - at);
        System.arraycopy(data, offset, ring, at, first);
        System.arraycopy(data, offset + first, ring, 0, length - first);
        total += length;
    }

    /** From {@code since}, clamped to the oldest retained byte; nothing at or past {@link #total()}. */
    Snapshot from(long since) {
        if (since >= total) {
            return new Snapshot(total, new byte[0]);
        }
        long oldest = Math.max(0, total - ring.length);
        long start = Math.max(since, oldest);
        int count = (int) (total - start);
        byte[] out = new byte[count];
        int at = (int) (start % ring.length);
        int first = Math.min(count, ring.length - at);
        System.arraycopy(ring, at, out, 0, first);
        System.arraycopy(ring, 0, out, first, count - first);
        return new Snapshot(start, out);
    }

    /** Only before the first wrap ({@code total <= ring.length}): every byte keeps its index. */
    private void grow(long needed) {
        int size = ring.length;
        while (size < needed && size < capacity) {
            size = (int) Math.min((long) size * 2, capacity);
        }
        ring = Arrays.copyOf(ring, size);
    }
}
