package dev.kernelgate.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 socket client for what java.net.http will not send or show: exact headers, garbage, pipelining,
 * half-read streams, one connection across many requests. Shared by the faces' tests through the test jar.
 */
public final class RawHttp implements AutoCloseable {

    public record Reply(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    public final Socket socket;
    public final InputStream in;
    public final OutputStream out;

    public RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A GET with the token header (or none when {@code token} is null). */
    public Reply get(String target, String token) throws IOException {
        write("GET " + target + " HTTP/1.1\r\nHost: test\r\n"
                + (token == null ? "" : "X-EXECD-ACCESS-TOKEN: " + token + "\r\n") + "\r\n");
        return readResponse(false);
    }

    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Status line and headers only; repeated headers joined with ", ". */
    public Reply readHead() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        return new Reply(status, headers, "");
    }

    /** A whole response: a Content-Length body, a chunked one, or none; interim 100 responses skipped. */
    public Reply readResponse() throws IOException {
        return readResponse(false);
    }

    /** A whole response; {@code head}: the answer to a HEAD request, which has no body whatever its headers say. */
    public Reply readResponse(boolean head) throws IOException {
        Reply reply = readHead();
        if (reply.status() == 100) {
            return readResponse(head);
        }
        String body = "";
        if (!head && reply.status() != 204 && reply.status() != 304) {
            if ("chunked".equalsIgnoreCase(reply.header("transfer-encoding"))) {
                StringBuilder all = new StringBuilder();
                String chunk;
                while ((chunk = readChunk()) != null) {
                    all.append(chunk);
                }
                body = all.toString();
            } else if (reply.header("content-length") != null) {
                body = new String(in.readNBytes(Integer.parseInt(reply.header("content-length"))),
                        StandardCharsets.UTF_8);
            }
        }
        return new Reply(reply.status(), reply.headers(), body);
    }

    /** One chunk of a chunked body; null at the last chunk (trailers skipped). */
    public String readChunk() throws IOException {
        String sizeLine = readLine();
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
            String trailer;
            while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                // skip trailers
            }
            return null;
        }
        byte[] data = in.readNBytes(size);
        readLine();
        return new String(data, StandardCharsets.UTF_8);
    }

    /** True once the server has closed the connection. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
