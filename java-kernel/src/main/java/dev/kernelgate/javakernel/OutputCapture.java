package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns user writes to {@code System.out} / {@code System.err} into iopub {@code stream} messages while a
 * snippet runs.
 *
 * <p>Bytes are buffered per stream and published in small batches: a batch goes out {@value #FLUSH_DELAY_MS} ms
 * after the first write into an empty buffer, at once when the buffer reaches {@value #FLUSH_THRESHOLD} bytes,
 * and whenever the kernel needs ordering (before an execute_result, display_data, input_request or reply).
 * Nothing is dropped: a batch is cut only at a UTF-8 character boundary and the rest waits for the next one.
 * Output from threads the user left running after their cell finished goes to the last execute request.
 * Writes from the kernel's own threads (logging) go to the process's real streams.
 */
final class OutputCapture {
    static final int FLUSH_DELAY_MS = 20;
    static final int FLUSH_THRESHOLD = 32 * 1024;

    private final Outbox outbox;
    private final ScheduledExecutorService scheduler;
    private final StreamBuffer stdout = new StreamBuffer("stdout");
    private final StreamBuffer stderr = new StreamBuffer("stderr");
    private volatile byte[] parent = Outbox.NO_PARENT;

    OutputCapture(Outbox outbox, ScheduledExecutorService scheduler) {
        this.outbox = outbox;
        this.scheduler = scheduler;
    }

    /** Replaces {@code System.out} and {@code System.err} for the whole process. */
    void install() {
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        System.setOut(new PrintStream(new Router(stdout, realOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Router(stderr, realErr), true, StandardCharsets.UTF_8));
    }

    /** Publishes what is buffered (for the old parent), then attributes later output to {@code parentHeader}. */
    void setParent(byte[] parentHeader) {
        flush();
        this.parent = parentHeader;
    }

    /** Publishes everything buffered now, on the calling thread. */
    void flush() {
        stdout.flush();
        stderr.flush();
    }

    /** Writes {@code text} as if the user had printed it on stderr (for notes such as "created method..."). */
    void stderr(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        stderr.write(bytes, 0, bytes.length);
    }

    /** The bytes written to one stream and not yet published. */
    private final class StreamBuffer {
        private final String name;
        private byte[] buffer = new byte[512];
        private int length;
        private boolean flushScheduled;

        StreamBuffer(String name) {
            this.name = name;
        }

        synchronized void write(byte[] bytes, int offset, int count) {
            if (length + count > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + count));
            }
            System.arraycopy(bytes, offset, buffer, length, count);
            length += count;
            if (length >= FLUSH_THRESHOLD) {
                publishLocked();
            } else if (!flushScheduled) {
                try {
                    scheduler.schedule(this::scheduledFlush, FLUSH_DELAY_MS, TimeUnit.MILLISECONDS);
                    flushScheduled = true;
                } catch (RejectedExecutionException e) {
                    publishLocked(); // shutting down: publish now rather than lose it
                }
            }
        }

        private synchronized void scheduledFlush() {
            flushScheduled = false;
            publishLocked();
        }

        synchronized void flush() {
            publishLocked();
        }

        private void publishLocked() {
            int complete = completeUtf8Prefix(buffer, length);
            if (complete == 0) {
                return;
            }
            String text = new String(buffer, 0, complete, StandardCharsets.UTF_8);
            length -= complete;
            if (buffer.length > 4 * FLUSH_THRESHOLD) {
                byte[] smaller = new byte[512];
                System.arraycopy(buffer, complete, smaller, 0, length);
                buffer = smaller;
            } else {
                System.arraycopy(buffer, complete, buffer, 0, length);
            }
            ObjectNode content = KernelJson.object();
            content.put("name", name);
            content.put("text", text);
            outbox.publish(parent, "stream", content);
        }
    }

    /**
     * The length of the longest prefix of {@code bytes[0..length)} that does not end inside a UTF-8 sequence.
     * Malformed input is passed through whole (the decoder replaces it).
     */
    static int completeUtf8Prefix(byte[] bytes, int length) {
        for (int i = length - 1; i >= Math.max(0, length - 4); i--) {
            int b = bytes[i] & 0xff;
            if ((b & 0xc0) == 0x80) {
                continue; // continuation byte: look further back for the lead byte
            }
            int needed = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 1;
            return i + needed > length ? i : length;
        }
        return length;
    }

    /** The stream installed as System.out/err: user threads write into the buffer, kernel threads to the real one. */
    private static final class Router extends OutputStream {
        private final StreamBuffer buffer;
        private final PrintStream real;

        Router(StreamBuffer buffer, PrintStream real) {
            this.buffer = buffer;
            this.real = real;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int count) {
            if (count <= 0) {
                return;
            }
            if (KernelThreads.isKernelThread()) {
                real.write(bytes, offset, count);
            } else {
                buffer.write(bytes, offset, count);
            }
        }

        @Override
        public void flush() {
            if (KernelThreads.isKernelThread()) {
                real.flush();
            }
        }
    }
}
