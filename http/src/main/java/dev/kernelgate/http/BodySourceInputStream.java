package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;

/**
 * The rest of a {@link BodySource} as a blocking stream, copying into the caller's arrays with one chunk held at a
 * time. Closing it discards the rest of the body. Not thread-safe.
 */
public final class BodySourceInputStream extends InputStream {

    private final BodySource source;
    private ByteBuf current;
    private boolean eof;
    private boolean closed;

    public BodySourceInputStream(BodySource source) {
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return current.readByte() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.readableBytes());
        current.readBytes(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.readableBytes();
    }

    private boolean fill() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        while (current == null || !current.isReadable()) {
            if (current != null) {
                current.release();
                current = null;
            }
            if (eof) {
                return false;
            }
            current = source.read();
            if (current == null) {
                eof = true;
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.release();
            current = null;
        }
        if (!eof) {
            source.discard();
        }
    }
}
