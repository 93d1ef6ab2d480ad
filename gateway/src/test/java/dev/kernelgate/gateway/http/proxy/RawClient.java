package dev.kernelgate.gateway.http.proxy;

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

/** A bare HTTP/1.1 socket client: exact headers, pipelining, one connection across many requests. */
final class RawClient implements AutoCloseable {

    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    int localPort() {
        return socket.getLocalPort();
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A GET with the token header (or none when {@code token} is null). */
    Reply get(String target, String token) throws IOException {
        write("GET " + target + " HTTP/1.1\r\nHost: test\r\n"
                + (token == null ? "" : "X-EXECD-ACCESS-TOKEN: " + token + "\r\n") + "\r\n");
        return readResponse(false);
    }

    String readLine() throws IOException {
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

    Reply readHead() throws IOException {
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

    /** A whole response: Content-Length, chunked, or (for {@code head}) none. */
    Reply readResponse(boolean head) throws IOException {
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
    String readChunk() throws IOException {
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

    boolean closedByPeer() throws IOException {
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
