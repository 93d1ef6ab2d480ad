package dev.kernelgate.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Signatures already accepted by one receiving session, so that a replayed message is refused. Bounded:
 * the oldest entries are forgotten first. Not thread-safe: owned by the thread that reads the sockets.
 *
 * <p>Every message passes through here, so the history allocates nothing per message: signatures are copied
 * into one ring of fixed-width slots (the width of the first signature; one signer always produces the same
 * width) indexed by an open-addressing table. It grows by doubling up to its capacity, so a session that sees
 * few messages stays small. A signature of another width, which a single signer never produces, is kept in a
 * separate bounded set.
 */
public final class SignatureHistory {
    public static final int DEFAULT_CAPACITY = 1 << 16;
    private static final int FIRST_SLOTS = 64;

    private final int capacity;
    private int width = -1;
    /** {@code slots} signatures of {@code width} bytes; the oldest at {@code head}. */
    private byte[] ring;
    private int slots;
    private int head;
    private int size;
    /** Linear-probing table of ring slot + 1 (0 = empty); its length is a power of two, at least twice slots. */
    private int[] table;
    /** The hash of each table entry, so probes and deletions rarely touch the ring. */
    private int[] hashes;
    private LinkedHashSet<ByteBuffer> odd;

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
        if (width < 0) {
            width = signature.length;
            resize(Math.min(FIRST_SLOTS, capacity));
        }
        if (signature.length != width) {
            return addOdd(signature);
        }
        int hash = hash(signature, 0);
        int mask = table.length - 1;
        for (int i = hash & mask; table[i] != 0; i = (i + 1) & mask) {
            if (hashes[i] == hash
                    && Arrays.equals(ring, (table[i] - 1) * width, table[i] * width, signature, 0, width)) {
                return false;
            }
        }
        if (size == slots) {
            if (slots < capacity) {
                resize((int) Math.min((long) slots * 2, capacity));
            } else {
                forgetOldest();
            }
        }
        int slot = (head + size) % slots;
        System.arraycopy(signature, 0, ring, slot * width, width);
        insert(slot, hash);
        size++;
        return true;
    }

    public int size() {
        return size + (odd == null ? 0 : odd.size());
    }

    private void forgetOldest() {
        int slot = head;
        int mask = table.length - 1;
        int i = hash(ring, slot * width) & mask;
        while (table[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: later entries of the probe run move up, so no lookup stops at a hole early.
        table[i] = 0;
        for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            boolean staysPut = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!staysPut) {
                table[i] = table[j];
                hashes[i] = hashes[j];
                table[j] = 0;
                i = j;
            }
        }
        head = (head + 1) % slots;
        size--;
    }

    /** Re-lays the ring out oldest-first in {@code newSlots} slots and rebuilds the table for it. */
    private void resize(int newSlots) {
        byte[] newRing = new byte[newSlots * width];
        for (int n = 0; n < size; n++) {
            System.arraycopy(ring, ((head + n) % slots) * width, newRing, n * width, width);
        }
        ring = newRing;
        slots = newSlots;
        head = 0;
        table = new int[Integer.highestOneBit(Math.max(2, newSlots * 2 - 1)) << 1];
        hashes = new int[table.length];
        for (int n = 0; n < size; n++) {
            insert(n, hash(ring, n * width));
        }
    }

    private void insert(int slot, int hash) {
        int mask = table.length - 1;
        int i = hash & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = slot + 1;
        hashes[i] = hash;
    }

    private int hash(byte[] bytes, int offset) {
        int h = 0x9747b28c;
        for (int n = 0; n < width; n++) {
            h = (h ^ bytes[offset + n]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    private boolean addOdd(byte[] signature) {
        if (odd == null) {
            odd = new LinkedHashSet<>();
        }
        if (!odd.add(ByteBuffer.wrap(signature.clone()))) {
            return false;
        }
        if (odd.size() > capacity) {
            Iterator<ByteBuffer> oldest = odd.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }
}
