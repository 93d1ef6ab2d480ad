package dev.kernelgate.benchmarks.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one keep-alive socket (TCP_NODELAY), for latency of small streamed responses: it
 * writes a request and reads the whole response, chunked or not, with nothing in between (the JDK's HttpClient adds
 * thread hand-offs of its own that would be counted against the server).
 */
final class RawHttpClient implements AutoCloseable {
    /** A response: status and body bytes. */
    record Response(int status, byte[] bytes) {
        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    /** Header lines sent with every request (e.g. Authorization), each ending in CRLF. */
    private final String extraHeaders;
    private final SocketChannel channel;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawHttpClient(String host, int port) throws IOException {
        this(host, port, null);
    }

    /** A client that sends {@code Authorization: token <token>} with each request (none when null or empty). */
    RawHttpClient(String host, int port, String token) throws IOException {
        this.host = host + ":" + port;
        this.extraHeaders = token == null || token.isEmpty() ? "" : "Authorization: token " + token + "\r\n";
        channel = SocketChannel.open();
        socket = channel.socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    Response postJson(String path, String json) throws IOException {
        return send("POST", path, json);
    }

    Response get(String path) throws IOException {
        return send("GET", path, "");
    }

    Response delete(String path) throws IOException {
        return send("DELETE", path, "");
    }

    private Response send(String method, String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        out.write(request);
        out.flush();
        return read();
    }

    /**
     * {@code POST path} of a {@code multipart/form-data} body: a {@code metadata} part with {@code metadataJson}, then
     * a {@code file} part with {@code file}'s bytes, sent with {@code sendfile} (as a browser or an SDK streams a
     * file, without the client's copies in the way of the figure).
     */
    Response postMultipartFile(String path, String metadataJson, Path file) throws IOException {
        String boundary = "kernelgate-bench-" + Long.toHexString(System.nanoTime());
        byte[] prefix = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + metadataJson + "\r\n--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName() + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] suffix = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel data = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = data.size();
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
                    + "Content-Type: multipart/form-data; boundary="
                    + boundary + "\r\nContent-Length: " + (prefix.length + size + suffix.length) + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(prefix);
            out.flush();
            for (long sent = 0; sent < size; ) {
                sent += data.transferTo(sent, size - sent, channel);
            }
            out.write(suffix);
            out.flush();
        }
        return read();
    }

    private Response read() throws IOException {
        String status = line();
        int code = Integer.parseInt(status.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                // no trailers expected
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        }
        return new Response(code, body.toByteArray());
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            line.append((char) c);
        }
        throw new IOException("connection closed mid-response");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
