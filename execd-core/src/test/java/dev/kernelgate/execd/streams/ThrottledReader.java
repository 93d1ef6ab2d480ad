package dev.kernelgate.execd.streams;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A raw-socket HTTP/1.1 client that reads the response no faster than a set rate, as a user on a slow link (or a
 * handler that takes its time) does: its receive buffer is small, so the server sees the backpressure at once. It
 * can also send the request body at a set rate (a slow uploader) and read a WebSocket's frames at the rate. Every
 * read has a timeout, so a server that goes silent fails the test instead of hanging it.
 */
final class ThrottledReader {
    /** No read may wait longer than this for a single byte. */
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private final int bytesPerSecond;

    ThrottledReader(int bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** A response: its status, its head (status line and headers, as sent) and its de-chunked body. */
    record Reply(int status, String head, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first value of a header (case-insensitive name), or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /** Sends {@code POST path} with a JSON body and returns the de-chunked response body, read at the rate. */
    String post(int port, String path, String headers, String json) throws IOException {
        Reply reply = request(port, "POST", path, "Content-Type: application/json\r\n" + headers,
                json.getBytes(StandardCharsets.UTF_8), 0);
        if (reply.status() != 200) {
            throw new IOException("unexpected response: " + reply.head());
        }
        return reply.text();
    }

    /** {@code GET path}, read at the rate. */
    Reply get(int port, String path, String headers) throws IOException {
        return request(port, "GET", path, headers, null, 0);
    }

    /**
     * Sends a request (a body, if any, written at {@code writeRate} bytes a second, 0 for at once) and reads the
     * response at this reader's rate.
     */
    Reply request(int port, String method, String path, String headers, byte[] body, int writeRate)
            throws IOException {
        return request(port, method, path, headers, body, writeRate, Integer.MAX_VALUE);
    }

    /** {@code GET path}, read at the rate until at least {@code enough} body bytes; then the client leaves. */
    Reply getUntil(int port, String path, String headers, int enough) throws IOException {
        return request(port, "GET", path, headers, null, 0, enough);
    }

    private Reply request(int port, String method, String path, String headers, byte[] body, int writeRate,
            int enough) throws IOException {
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                    + (body == null ? "" : "Content-Length: " + body.length + "\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                writeAtRate(out, body, writeRate);
            }
            out.flush();
            InputStream in = new BufferedInputStream(new RateLimited(socket.getInputStream(), bytesPerSecond));
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(9, 12));
            String lower = head.toLowerCase(Locale.ROOT);
            byte[] content;
            if (lower.contains("transfer-encoding: chunked")) {
                content = dechunk(in, enough);
            } else if ("HEAD".equals(method) || status == 204 || status == 304) {
                content = new byte[0];
            } else {
                Reply parsed = new Reply(status, head, null);
                String length = parsed.header("Content-Length");
                content = length == null ? in.readNBytes(enough)
                        : readExactly(in, Math.min(enough, Integer.parseInt(length)));
            }
            return new Reply(status, head, content);
        }
    }

    /**
     * Opens a WebSocket on {@code path} and reads its data frames at the rate until the server's close frame;
     * returns the payloads of the data frames, concatenated. Fails if the connection ends without a close frame.
     */
    byte[] webSocket(int port, String path, String headers) throws IOException {
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + headers
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(new RateLimited(socket.getInputStream(), bytesPerSecond));
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("no WebSocket upgrade: " + head);
            }
            ByteArrayOutputStream payloads = new ByteArrayOutputStream();
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    throw new IOException("the connection ended without a close frame after " + payloads.size()
                            + " bytes");
                }
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = (in.read() << 8) | in.read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | in.read();
                    }
                }
                byte[] payload = readExactly(in, (int) length);
                int opcode = b0 & 0x0f;
                if (opcode == 8) {
                    return payloads.toByteArray();
                }
                if (opcode <= 2) {
                    payloads.writeBytes(payload);
                }
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(8192);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        return socket;
    }

    /** Writes in pieces of a twentieth of the rate, each no earlier than the rate allows. */
    private static void writeAtRate(OutputStream out, byte[] body, int rate) throws IOException {
        if (rate <= 0) {
            out.write(body);
            return;
        }
        long start = System.nanoTime();
        int piece = Math.max(1, rate / 20);
        for (int at = 0; at < body.length; at += piece) {
            pace(start, at, rate);
            out.write(body, at, Math.min(piece, body.length - at));
            out.flush();
        }
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new IOException("the connection ended after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
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

    private static byte[] dechunk(InputStream in, int enough) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (body.size() < enough) {
            String sizeLine = line(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.write(readExactly(in, size));
            line(in);
        }
        return body.toByteArray();
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

    /** Rate limiting, not synchronisation: parks until {@code done} bytes since {@code start} fit the rate. */
    private static void pace(long start, long done, int rate) {
        long due = start + TimeUnit.SECONDS.toNanos(done) / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
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
            pace(start, delivered, rate);
            int n = in.read(buffer, offset, Math.min(length, Math.max(1, rate / 20)));
            if (n > 0) {
                delivered += n;
            }
            return n;
        }
    }
}
