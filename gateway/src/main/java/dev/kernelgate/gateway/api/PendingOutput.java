package dev.kernelgate.gateway.api;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ChannelMessage;
import dev.kernelgate.wire.Header;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.MalformedMessageException;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.WireMessage;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The kernel messages a session holds for its client (one that is away, or reading slower than the kernel writes),
 * in order, bounded in bytes. Past the bound the oldest output messages (IOPub {@code stream}, {@code display_data},
 * {@code update_display_data}) are dropped, and an IOPub {@code stream} message on stderr takes the place of the
 * first one dropped, saying how many were dropped and why: the client is told, never silently short. Replies,
 * statuses, inputs and comm messages are never dropped (a client waits for them). Not thread-safe: the owning
 * session guards it.
 */
final class PendingOutput {
    /** The default bound: 64 MiB of kernel messages per session. */
    static final long DEFAULT_MAX_BYTES = 64L << 20;
    private static final Set<String> DROPPABLE = Set.of("stream", "display_data", "update_display_data");

    private final long maxBytes;
    private final String session;
    private ArrayDeque<Object> queue = new ArrayDeque<>();
    private long bytes;
    /** The notice counting the current run of drops while it is still queued; null otherwise. */
    private Dropped notice;

    PendingOutput(long maxBytes, String session) {
        this.maxBytes = maxBytes;
        this.session = session;
    }

    void add(ChannelMessage message) {
        queue.add(message);
        bytes += size(message);
        if (bytes > maxBytes) {
            dropOldestOutput();
        }
    }

    /** Puts back a message taken by {@link #poll} that could not be written. */
    void addFirst(ChannelMessage message) {
        queue.addFirst(message);
        bytes += size(message);
    }

    /** The next message (a drop notice, rendered now, in the place of what it reports), or null. */
    ChannelMessage poll() {
        Object next = queue.poll();
        if (next == null) {
            return null;
        }
        if (next instanceof Dropped d) {
            if (d == notice) {
                notice = null;
            }
            return d.render(session, maxBytes);
        }
        ChannelMessage message = (ChannelMessage) next;
        bytes -= size(message);
        return message;
    }

    int size() {
        return queue.size();
    }

    long bytes() {
        return bytes;
    }

    void clear() {
        queue.clear();
        bytes = 0;
        notice = null;
    }

    /**
     * Drops the oldest output down to three quarters of the bound (so that a client staying behind costs one pass
     * per quarter of the bound, not one per message); the notice takes the place of the first message dropped.
     */
    private void dropOldestOutput() {
        long target = maxBytes - maxBytes / 4;
        ArrayDeque<Object> kept = new ArrayDeque<>(queue.size() + 1);
        for (Object next : queue) {
            if (bytes > target && next instanceof ChannelMessage m && m.channel() == Channel.IOPUB
                    && DROPPABLE.contains(m.message().msgType())) {
                long size = size(m);
                bytes -= size;
                if (notice == null) {
                    notice = new Dropped(m.message());
                    kept.add(notice);
                }
                notice.count++;
                notice.bytes += size;
            } else {
                kept.add(next);
            }
        }
        queue = kept;
    }

    private static long size(ChannelMessage m) {
        WireMessage w = m.message();
        long n = (long) w.header().length + w.parentHeader().length + w.metadata().length + w.content().length;
        for (byte[] b : w.buffers()) {
            n += b.length;
        }
        return n;
    }

    /** A run of dropped output messages, reported as one stderr stream message. */
    private static final class Dropped {
        final WireMessage firstDropped;
        int count;
        long bytes;

        Dropped(WireMessage firstDropped) {
            this.firstDropped = firstDropped;
        }

        ChannelMessage render(String session, long maxBytes) {
            Header header = new Header(UUID.randomUUID().toString(), session, "kernelgate", Header.now(), "stream",
                    Header.PROTOCOL_VERSION);
            var content = Json.object();
            content.put("name", "stderr");
            content.put("text", "[kernelgate] " + count + " output messages (" + bytes + " bytes) were dropped "
                    + "here: the gateway holds at most " + (maxBytes >> 20) + " MiB of kernel output for a client "
                    + "that is away or reads slower than the kernel writes.\n");
            Message m;
            try {
                m = new Message(header, Json.parseObject(firstDropped.parentHeader(), "parent_header"), Json.object(),
                        content, List.of());
            } catch (MalformedMessageException e) {
                m = new Message(header, Json.object(), Json.object(), content, List.of());
            }
            return new ChannelMessage(Channel.IOPUB, m.toWire());
        }
    }
}
