package dev.kernelgate.execd.files;

import dev.kernelgate.http.BodySource;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming {@code multipart/form-data} parser over a {@link BodySource}: part bodies are handed on in the
 * body's own chunks (direct buffers, no copy) straight to their sink, so a part of any size goes through a
 * fixed amount of memory. The delimiter ({@code CRLF--boundary}) is found with Boyer-Moore-Horspool (a few
 * bytes looked at per delimiter length); one split across chunks is carried over in a small array, which works
 * because CR, the delimiter's first byte, cannot occur again inside it.
 *
 * <p>Not thread-safe; one part at a time. {@link #next()} skips whatever is left of the previous part.
 */
final class MultipartReader implements AutoCloseable {

    /** Where part bytes go; buffers are only valid during the call. */
    interface Sink {
        void write(ByteBuffer bytes) throws IOException;
    }

    /** The body is not a well-formed multipart body (upstream: 400 INVALID_FILE). */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final Sink DISCARD = bytes -> bytes.position(bytes.limit());

    private final BodySource source;
    private final byte[] delimiter;
    private final byte[] carry;
    private final int[] skip = new int[256];
    private int carryLen;
    private ByteBuf cur;
    private boolean eof;
    private boolean started;
    private boolean finished;
    private Part open;

    MultipartReader(BodySource source, String boundary) {
        this.source = source;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.carry = new byte[delimiter.length];
        java.util.Arrays.fill(skip, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            skip[delimiter[i] & 0xff] = delimiter.length - 1 - i;
        }
        // The first delimiter has no CRLF before it: pretend it was there.
        carry[0] = '\r';
        carry[1] = '\n';
        carryLen = 2;
    }

    /** The boundary of a {@code multipart/form-data} content type, or {@code null}. */
    static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        String type = parseHeaderValue(contentType, params);
        if (!type.equals("multipart/form-data") && !type.equals("multipart/mixed")) {
            return null;
        }
        String boundary = params.get("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200
                || boundary.indexOf('\r') >= 0 || boundary.indexOf('\n') >= 0) {
            return null;
        }
        return boundary;
    }

    /** The next part, or {@code null} after the closing delimiter. */
    Part next() throws IOException {
        if (open != null) {
            open.skip();
            open = null;
        }
        if (finished) {
            return null;
        }
        if (!started) {
            started = true;
            scan(DISCARD); // preamble up to and including the first delimiter
        }
        // After a delimiter: "--" closes the body; else optional whitespace, then CRLF and the headers.
        int b = readByte();
        if (b == '-') {
            if (readByte() != '-') {
                throw new MalformedException("malformed multipart delimiter");
            }
            finished = true;
            drain();
            return null;
        }
        while (b == ' ' || b == '\t') {
            b = readByte();
        }
        if (b != '\r' || readByte() != '\n') {
            throw new MalformedException("malformed multipart delimiter line");
        }
        open = new Part(readHeaders());
        return open;
    }

    /** The rest of the body (epilogue) is read and dropped so the request completes. */
    private void drain() throws IOException {
        release();
        ByteBuf b;
        while ((b = source.read()) != null) {
            b.release();
        }
        eof = true;
    }

    private Map<String, String> readHeaders() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(256);
        int matched = 0; // of CRLFCRLF, counting from the start of the header block
        if (peekCrlf()) {
            return Map.of(); // no headers at all
        }
        while (true) {
            int b = readByte();
            raw.write(b);
            if (raw.size() > MAX_HEADER_BYTES) {
                throw new MalformedException("multipart part headers too large");
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                break;
            }
        }
        String block = raw.toString(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return headers;
    }

    /** Consumes a CRLF if the next two bytes are one. */
    private boolean peekCrlf() throws IOException {
        if (!ensure()) {
            throw new MalformedException("multipart body ends inside part headers");
        }
        if (cur.getByte(cur.readerIndex()) != '\r') {
            return false;
        }
        cur.skipBytes(1);
        if (readByte() != '\n') {
            throw new MalformedException("malformed multipart part headers");
        }
        return true;
    }

    private boolean ensure() throws IOException {
        while (cur == null || !cur.isReadable()) {
            if (eof) {
                return false;
            }
            release();
            cur = source.read();
            if (cur == null) {
                eof = true;
                return false;
            }
        }
        return true;
    }

    private int readByte() throws IOException {
        if (!ensure()) {
            throw new MalformedException("multipart body ends early");
        }
        return cur.readByte() & 0xff;
    }

    /**
     * Passes part bytes to {@code sink} up to the next delimiter, which is consumed. Invariant between chunks:
     * {@code carry} holds a proper prefix of the delimiter that ended the previous chunk (since CR appears in
     * the delimiter only at its start, a mismatch means the whole carry is data).
     */
    private void scan(Sink sink) throws IOException {
        final byte[] d = delimiter;
        final int dl = d.length;
        while (true) {
            if (!ensure()) {
                throw new MalformedException("multipart body ends inside a part");
            }
            if (carryLen > 0) {
                int need = dl - carryLen;
                int avail = cur.readableBytes();
                int r = cur.readerIndex();
                int k = 0;
                while (k < need && k < avail && cur.getByte(r + k) == d[carryLen + k]) {
                    k++;
                }
                if (k == need) {
                    cur.skipBytes(need);
                    carryLen = 0;
                    return;
                }
                if (k == avail) {
                    cur.getBytes(r, carry, carryLen, avail);
                    carryLen += avail;
                    cur.skipBytes(avail);
                    continue;
                }
                sink.write(ByteBuffer.wrap(carry, 0, carryLen));
                carryLen = 0;
            }
            int r = cur.readerIndex();
            int end = cur.writerIndex();
            int at = find(cur, r, end);
            if (at >= 0) {
                emit(sink, r, at - r);
                cur.readerIndex(at + dl);
                return;
            }
            // No whole delimiter: a prefix of one may end the chunk (it starts with the only CR of the delimiter).
            int tail = Math.max(r, end - dl + 1);
            int partial = -1;
            for (int i = end - 1; i >= tail; i--) {
                if (cur.getByte(i) == '\r') {
                    int k = 1;
                    while (i + k < end && cur.getByte(i + k) == d[k]) {
                        k++;
                    }
                    if (i + k == end) {
                        partial = i;
                    }
                }
            }
            if (partial < 0) {
                emit(sink, r, end - r);
            } else {
                emit(sink, r, partial - r);
                cur.getBytes(partial, carry, 0, end - partial);
                carryLen = end - partial;
            }
            cur.readerIndex(end);
        }
    }

    /** Boyer-Moore-Horspool: the first whole delimiter in {@code [from, end)}, or -1. */
    private int find(ByteBuf b, int from, int end) {
        if (end - from < delimiter.length) {
            return -1;
        }
        // A NIO view reads with one bounds check per byte and no index translation (slices of pooled buffers).
        ByteBuffer nb = b.nioBufferCount() == 1 ? b.internalNioBuffer(from, end - from) : b.nioBuffer(from, end - from);
        int base = nb.position();
        int at = find(nb, base, base + (end - from));
        return at < 0 ? -1 : from + (at - base);
    }

    private int find(ByteBuffer b, int from, int end) {
        final byte[] d = delimiter;
        final int last = d.length - 1;
        final byte lastByte = d[last];
        final int[] skip = this.skip;
        int i = from;
        int limit = end - d.length;
        while (i <= limit) {
            byte c = b.get(i + last);
            if (c == lastByte) {
                int k = last - 1;
                while (k >= 0 && b.get(i + k) == d[k]) {
                    k--;
                }
                if (k < 0) {
                    return i;
                }
            }
            i += skip[c & 0xff];
        }
        return -1;
    }

    private void emit(Sink sink, int index, int length) throws IOException {
        if (length > 0) {
            sink.write(cur.nioBuffer(index, length));
        }
    }

    private void release() {
        if (cur != null) {
            cur.release();
            cur = null;
        }
    }

    @Override
    public void close() {
        release();
    }

    /**
     * Parses {@code type; a=b; c="d"} into the lower-cased type and its parameters (names lower-cased); an RFC 5987
     * {@code name*=charset''pct} value wins over {@code name=}.
     */
    static String parseHeaderValue(String value, Map<String, String> params) {
        int semi = value.indexOf(';');
        String type = (semi < 0 ? value : value.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        int i = semi < 0 ? value.length() : semi + 1;
        Map<String, String> extended = new LinkedHashMap<>();
        while (i < value.length()) {
            while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ';')) {
                i++;
            }
            int eq = value.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            StringBuilder v = new StringBuilder();
            if (i < value.length() && value.charAt(i) == '"') {
                i++;
                while (i < value.length() && value.charAt(i) != '"') {
                    char c = value.charAt(i);
                    if (c == '\\' && i + 1 < value.length()) {
                        c = value.charAt(++i);
                    }
                    v.append(c);
                    i++;
                }
                i++; // closing quote
                while (i < value.length() && value.charAt(i) != ';') {
                    i++;
                }
            } else {
                int stop = value.indexOf(';', i);
                stop = stop < 0 ? value.length() : stop;
                v.append(value, i, stop);
                i = stop;
                while (v.length() > 0 && Character.isWhitespace(v.charAt(v.length() - 1))) {
                    v.setLength(v.length() - 1);
                }
            }
            if (name.endsWith("*")) {
                String decoded = decodeExtended(v.toString());
                if (decoded != null) {
                    extended.put(name.substring(0, name.length() - 1), decoded);
                }
            } else if (!name.isEmpty()) {
                params.putIfAbsent(name, v.toString());
            }
        }
        params.putAll(extended);
        return type;
    }

    private static String decodeExtended(String v) {
        int first = v.indexOf('\'');
        int second = first < 0 ? -1 : v.indexOf('\'', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            Charset cs = Charset.forName(v.substring(0, first).isEmpty() ? "UTF-8" : v.substring(0, first));
            return URLDecoder.decode(v.substring(second + 1).replace("+", "%2B"), cs);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** One part: its headers, then its body read once. */
    final class Part {
        private final String disposition;
        private final String name;
        private final String filename;
        private boolean consumed;

        Part(Map<String, String> headers) {
            Map<String, String> params = new LinkedHashMap<>();
            String cd = headers.get("content-disposition");
            this.disposition = cd == null ? "" : parseHeaderValue(cd, params);
            this.name = params.get("name");
            String file = params.get("filename");
            if (file != null && !file.isEmpty()) {
                int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
                file = slash >= 0 ? file.substring(slash + 1) : file;
            }
            this.filename = file == null || file.isEmpty() ? null : file;
        }

        /** The form field name, or {@code null} when this is not a {@code form-data} part with a name. */
        String formName() {
            return disposition.equals("form-data") && name != null && !name.isEmpty() ? name : null;
        }

        /** The file name (base name only), or {@code null}: then the part is a form value, not a file. */
        String filename() {
            return filename;
        }

        /** Streams the body to {@code sink}. */
        void transferTo(Sink sink) throws IOException {
            once();
            scan(sink);
        }

        /** The body in memory, or {@code null} when it has more than {@code max} bytes (it is read through). */
        byte[] readAll(int max) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean[] tooLarge = new boolean[1];
            transferTo(bytes -> {
                if (tooLarge[0] || out.size() + bytes.remaining() > max) {
                    tooLarge[0] = true;
                    bytes.position(bytes.limit());
                    return;
                }
                byte[] b = new byte[bytes.remaining()];
                bytes.get(b);
                out.write(b, 0, b.length);
            });
            return tooLarge[0] ? null : out.toByteArray();
        }

        void skip() throws IOException {
            if (!consumed) {
                transferTo(DISCARD);
            }
        }

        private void once() {
            if (consumed) {
                throw new IllegalStateException("part body already read");
            }
            consumed = true;
        }
    }
}
