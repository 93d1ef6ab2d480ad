package dev.kernelgate.execd.code;

import dev.kernelgate.execd.StreamEvent;
import dev.kernelgate.http.EventStreamWriter;
import java.util.ArrayDeque;

/**
 * The events of one {@code /code} run on their way to a client that may read slower than the kernel writes (the
 * kernel cannot be held back, unlike a command's pipe). They go out at once while the connection takes them; else
 * they wait here, in order, up to a bound in bytes. Past it the oldest waiting {@code stdout}/{@code stderr} events
 * are dropped (down to three quarters of the bound) and a {@code stderr} event in the place of the first one says
 * how many: the client is told, never silently short. Results, errors and the terminal event are never dropped, and
 * the terminal event follows everything before it. Thread-safe: the kernel's thread adds, the event loop drains.
 */
final class BoundedEvents {
    /** The default bound: 64 MiB of events waiting for one client. */
    static final long DEFAULT_MAX_BYTES = 64L << 20;
    private static final Object END = new Object();

    private final EventStreamWriter events;
    private final long maxBytes;
    // Guarded by this.
    private ArrayDeque<Object> waiting = new ArrayDeque<>();
    private long bytes;
    private Dropped notice;
    private boolean ended;

    BoundedEvents(EventStreamWriter events, long maxBytes) {
        this.events = events;
        this.maxBytes = maxBytes;
        events.onWritable(this::drain);
        events.onDisconnect(this::discard);
    }

    void send(StreamEvent event) {
        boolean droppable = "stdout".equals(event.type()) || "stderr".equals(event.type());
        add(new Event(events.encode(event), droppable));
    }

    /** Sends {@code terminal} after everything queued, then ends the response. */
    void end(StreamEvent terminal) {
        add(new Event(events.encode(terminal), false));
        add(END);
    }

    private synchronized void add(Object entry) {
        if (ended) {
            return;
        }
        waiting.add(entry);
        if (entry instanceof Event e) {
            bytes += e.json.length;
            if (bytes > maxBytes) {
                dropOldestOutput();
            }
        }
        drain();
    }

    /** Writes what waits while the connection takes it (the writes are queued on the event loop, in this order). */
    private synchronized void drain() {
        while (!ended && !waiting.isEmpty()) {
            if (!events.isOpen()) {
                discard();
                return;
            }
            Object next = waiting.peek();
            if (next == END) {
                waiting.poll();
                ended = true;
                events.end();
                return;
            }
            if (!events.isWritable()) {
                return; // onWritable drains the rest
            }
            waiting.poll();
            if (next instanceof Event e) {
                bytes -= e.json.length;
                events.sendJson(e.json);
            } else {
                Dropped d = (Dropped) next;
                if (d == notice) {
                    notice = null;
                }
                events.send(StreamEvent.stderr("[kernelgate] " + d.count + " output events (" + d.bytes
                        + " bytes) were dropped here: execd holds at most " + (maxBytes >> 20) + " MiB of output "
                        + "for a client that reads slower than the code writes.\n"));
            }
        }
    }

    private synchronized void discard() {
        ended = true;
        waiting.clear();
        bytes = 0;
    }

    private void dropOldestOutput() {
        long target = maxBytes - maxBytes / 4;
        ArrayDeque<Object> kept = new ArrayDeque<>(waiting.size() + 1);
        for (Object next : waiting) {
            if (bytes > target && next instanceof Event e && e.droppable) {
                bytes -= e.json.length;
                if (notice == null) {
                    notice = new Dropped();
                    kept.add(notice);
                }
                notice.count++;
                notice.bytes += e.json.length;
            } else {
                kept.add(next);
            }
        }
        waiting = kept;
    }

    private record Event(byte[] json, boolean droppable) {
    }

    /** A run of dropped output events, reported as one stderr event. */
    private static final class Dropped {
        int count;
        long bytes;
    }
}
