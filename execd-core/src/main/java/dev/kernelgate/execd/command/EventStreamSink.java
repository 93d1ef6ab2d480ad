package dev.kernelgate.execd.command;

import dev.kernelgate.execd.StreamEvent;
import dev.kernelgate.http.EventStreamWriter;
import java.time.Duration;
import java.util.List;

/**
 * An {@link ExecutionListener} writing execd's event stream: each event a bare JSON object and a blank line,
 * {@code ping} every 3 s after {@code init}, the response ended right after the terminal event. Once the client
 * has gone, events are dropped. Output waits (blocking the reader thread, hence the command's pipe) while the
 * connection is not writable.
 */
final class EventStreamSink implements ExecutionListener {

    static final Duration PING_INTERVAL = Duration.ofSeconds(3);
    private static final long WRITABLE_POLL_MILLIS = 100;

    private final EventStreamWriter events;
    private final Object writability = new Object();

    EventStreamSink(EventStreamWriter events) {
        this.events = events;
        Runnable wake = () -> {
            synchronized (writability) {
                writability.notifyAll();
            }
        };
        events.onWritable(wake);
        events.onDisconnect(wake);
    }

    @Override
    public void init(String id) {
        events.send(StreamEvent.init(id));
        events.startPing(PING_INTERVAL, StreamEvent::ping);
    }

    @Override
    public void stdout(String text) {
        events.send(StreamEvent.stdout(text));
    }

    @Override
    public void stderr(String text) {
        events.send(StreamEvent.stderr(text));
    }

    @Override
    public void complete(long executionTimeMillis) {
        events.end(StreamEvent.complete(executionTimeMillis));
    }

    @Override
    public void error(String ename, String evalue, List<String> traceback) {
        events.end(StreamEvent.error(ename, evalue, traceback));
    }

    @Override
    public void awaitWritable() {
        if (events.isWritable() || !events.isOpen()) {
            return;
        }
        synchronized (writability) {
            while (events.isOpen() && !events.isWritable()) {
                try {
                    writability.wait(WRITABLE_POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void onAbandon(Runnable action) {
        events.onDisconnect(action);
    }
}
