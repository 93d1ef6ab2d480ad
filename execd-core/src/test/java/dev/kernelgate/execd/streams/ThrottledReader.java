package dev.kernelgate.execd.streams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A client that reads a chunked HTTP response no faster than a set rate, as a user on a slow link (or a handler that
 * takes its time) does: its receive buffer is small, so the server sees the backpressure at once.
 */
final class ThrottledReader {
    private final int bytesPerSecond;

    ThrottledReader(int bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Sends {@code POST path} with a JSON body and returns the de-chunked response body, read at the rate. */
    String post(int port, String path, String headers, String json) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(8192);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + headers + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = new java.io.BufferedInputStream(new RateLimited(socket.getInputStream(), bytesPerSecond));
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected response: " + head);
            }
            if (!head.toLowerCase().contains("transfer-encoding: chunked")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return dechunk(in);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(in.readNBytes(size));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("the stream ended without its last chunk (after " + line + ")");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** Takes at most {@code rate} bytes a second from the socket, in reads of at most a twentieth of that. */
    private static final class RateLimited extends InputStream {
        private final InputStream in;
        private final int rate;
        private final long start = System.nanoTime();
        private long delivered;

        RateLimited(InputStream in, int rate) {
            this.in = in;
            this.rate = rate;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            pace();
            int n = in.read(buffer, offset, Math.min(length, Math.max(1, rate / 20)));
            if (n > 0) {
                delivered += n;
            }
            return n;
        }

        /** Rate limiting, not synchronisation: parks until the bytes handed out fit the rate. */
        private void pace() {
            long due = start + TimeUnit.SECONDS.toNanos(delivered) / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }
}
