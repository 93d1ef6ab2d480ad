package dev.kernelgate.javakernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code System.in} for snippets. When user code needs bytes and none are buffered, it sends an
 * {@code input_request} on stdin to the client that sent the running execute_request and blocks until the
 * {@code input_reply} arrives (or the cell is interrupted); the reply's value plus a newline becomes readable.
 * When that request had {@code allow_stdin: false} (or nothing runs) reading gives end-of-file at once, never a hang.
 */
final class StdinBridge extends InputStream {
    private final Outbox outbox;
    private final OutputCapture output;
    private final Object lock = new Object();
    private volatile Request parent;
    private volatile boolean allowed;
    private byte[] pending = new byte[0];
    private int position;
    private CompletableFuture<String> waiting;

    StdinBridge(Outbox outbox, OutputCapture output) {
        this.outbox = outbox;
        this.output = output;
    }

    void install() {
        System.setIn(this);
    }

    /** A cell starts: reads are answered through {@code request}'s client if it allows stdin. */
    void begin(Request request, boolean allowStdin) {
        synchronized (lock) {
            this.parent = request;
            this.allowed = allowStdin;
            this.pending = new byte[0];
            this.position = 0;
        }
    }

    /** The cell ended: later reads (from threads it left running) see end-of-file. */
    void end() {
        allowed = false;
        cancel();
    }

    /** An input_reply arrived (socket thread). */
    void reply(String value) {
        CompletableFuture<String> current;
        synchronized (lock) {
            current = waiting;
        }
        if (current != null) {
            current.complete(value);
        }
    }

    /** Wakes a reader blocked on input (interrupt, end of cell); it gets an {@link InterruptedIOException}. */
    void cancel() {
        CompletableFuture<String> current;
        synchronized (lock) {
            current = waiting;
        }
        if (current != null) {
            current.cancel(false);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (KernelThreads.isKernelThread()) {
            return -1;
        }
        while (true) {
            CompletableFuture<String> request;
            synchronized (lock) {
                if (position < pending.length) {
                    return take(target, offset, length);
                }
                if (!allowed || parent == null) {
                    return -1;
                }
                if (waiting != null && !waiting.isDone()) {
                    request = waiting; // another user thread already asked: share its answer
                } else {
                    request = new CompletableFuture<>();
                    waiting = request;
                    output.flush(); // a prompt printed just before must reach the client first
                    outbox.inputRequest(parent, "", false);
                }
            }
            String value = await(request);
            synchronized (lock) {
                if (waiting == request) {
                    waiting = null;
                    pending = (value + "\n").getBytes(StandardCharsets.UTF_8);
                    position = 0;
                }
            }
        }
    }

    private static String await(CompletableFuture<String> request) throws IOException {
        try {
            return request.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for input");
        } catch (CancellationException e) {
            throw new InterruptedIOException("input request cancelled");
        } catch (ExecutionException e) {
            throw new IOException("input request failed", e.getCause());
        }
    }

    private int take(byte[] target, int offset, int length) {
        int n = Math.min(length, pending.length - position);
        System.arraycopy(pending, position, target, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        synchronized (lock) {
            return pending.length - position;
        }
    }
}
