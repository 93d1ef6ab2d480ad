package dev.kernelgate.execd.files;

import dev.kernelgate.execd.ExecdErrorCode;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /files/download}: the whole file or its first byte range, zero-copy through the kit's file
 * response; or line mode ({@code offset}/{@code limit}) streamed as text. Upstream's Range quirks are kept: a
 * malformed header is 416 {@code {"code":"UNKNOWN"}}, only the first of several ranges is served, a range
 * past the end is 416 with Go's text body.
 */
final class Downloads {

    private static final Logger log = LoggerFactory.getLogger(Downloads.class);
    private static final String OCTET_STREAM = "application/octet-stream";
    /** One digits-only range: the kit's file sender reads it exactly as upstream does. */
    private static final Pattern SIMPLE_RANGE = Pattern.compile("bytes=[ \\t]*(\\d{1,18})?[ \\t]*-[ \\t]*(\\d{1,18})?[ \\t]*");
    private static final int CHUNK = 64 * 1024;
    private static final int SMALL_RANGE = 8 * 1024 * 1024;

    /** One range as upstream's {@code ParseRange} yields it. */
    record Span(long start, long length) {
        String contentRange(long size) {
            return "bytes " + start + "-" + (start + length - 1) + "/" + size;
        }
    }

    /** @param spans satisfiable ranges in order; {@code pastEnd} when a spec started at or after the end */
    record ParsedRange(List<Span> spans, boolean pastEnd) {
    }

    private Downloads() {
    }

    /**
     * @param rawPath   the {@code path} query value (already checked non-empty)
     * @param executor  where line mode and large multi-range bodies are produced
     */
    static Response download(Path path, String rawOffset, String rawLimit, String range, Executor executor) {
        boolean lineMode = checkModes(rawOffset, rawLimit, range);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (!Files.isReadable(path)) {
                throw new java.nio.file.AccessDeniedException(path.toString());
            }
        } catch (IOException e) {
            throw FsErrors.fileError(e);
        }
        if (attrs.isDirectory()) {
            throw FsErrors.runtime("error reading file " + path + ": is a directory");
        }
        return serve(path, null, attrs, lineMode, rawOffset, rawLimit, range, executor);
    }

    /**
     * As {@link #download(Path, String, String, String, Executor)} under allowed roots: the file is opened once,
     * through the walker's handle and never through a link, and that open file is what is sent.
     */
    static Response download(RootedFiles rooted, Path path, String rawOffset, String rawLimit, String range,
            Executor executor) {
        boolean lineMode = checkModes(rawOffset, rawLimit, range);
        BasicFileAttributes attrs;
        FileChannel channel;
        try (PathWalker.Opened at = rooted.open(path, true)) {
            attrs = at.attributes();
            if (attrs.isDirectory()) {
                throw FsErrors.runtime("error reading file " + path + ": is a directory");
            }
            channel = RootedFiles.channel(at, Set.of(StandardOpenOption.READ));
        } catch (IOException e) {
            throw FsErrors.fileError(e);
        }
        try {
            return serve(path, channel, attrs, lineMode, rawOffset, rawLimit, range, executor);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static boolean checkModes(String rawOffset, String rawLimit, String range) {
        boolean lineMode = notEmpty(rawOffset) || notEmpty(rawLimit);
        if (lineMode && notEmpty(range)) {
            throw FsErrors.invalidRequest(
                    "line-based reading (offset/limit) and byte range (Range header) are mutually exclusive");
        }
        return lineMode;
    }

    /** @param opened the file already open (then used, and closed, instead of {@code path}), or {@code null} */
    private static Response serve(Path path, FileChannel opened, BasicFileAttributes attrs, boolean lineMode,
            String rawOffset, String rawLimit, String range, Executor executor) {
        if (lineMode) {
            long offset = lineNumber("offset", rawOffset, 1);
            long limit = lineNumber("limit", rawLimit, -1);
            return lines(path, opened, offset, limit, executor);
        }
        String disposition = contentDisposition(path.getFileName() == null ? "" : path.getFileName().toString());
        Response.File whole = (opened == null ? Responses.file(path, OCTET_STREAM)
                : Responses.file(opened, path, attrs.lastModifiedTime().toMillis(), OCTET_STREAM))
                .withHeader("Content-Disposition", disposition);
        if (!notEmpty(range)) {
            return whole;
        }
        long size;
        try {
            size = opened == null ? attrs.size() : opened.size();
        } catch (IOException e) {
            throw FsErrors.fileError(e);
        }
        ParsedRange parsed = parseRange(range, size);
        if (parsed == null) {
            throw FsErrors.of(416, ExecdErrorCode.UNKNOWN, "");
        }
        if (parsed.spans().isEmpty()) {
            if (parsed.pastEnd()) {
                closeQuietly(opened);
                return Responses.text(416, "invalid range: failed to overlap\n")
                        .withHeader("Content-Range", "bytes */" + size)
                        .withHeader("X-Content-Type-Options", "nosniff");
            }
            return whole; // only empty specs: Go's ServeContent ignores the header
        }
        if (SIMPLE_RANGE.matcher(range).matches()) {
            return whole; // the kit serves this single range zero-copy, 206 with Content-Range
        }
        return firstRange(path, opened, parsed.spans().get(0), size, disposition, executor);
    }

    private static FileChannel openRead(Path path, FileChannel opened) throws IOException {
        return opened != null ? opened : FileChannel.open(path, StandardOpenOption.READ);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("close of a download failed", e);
            }
        }
    }

    /** Upstream's {@code ParseRange}; {@code null} for "invalid range" (→ 416 UNKNOWN). */
    static ParsedRange parseRange(String header, long size) {
        if (!header.startsWith("bytes=")) {
            return null;
        }
        List<Span> spans = new ArrayList<>();
        boolean pastEnd = false;
        for (String part : header.substring(6).split(",", -1)) {
            String ra = part.strip();
            if (ra.isEmpty()) {
                continue;
            }
            int dash = ra.indexOf('-');
            if (dash < 0) {
                return null;
            }
            String first = ra.substring(0, dash).strip();
            String last = ra.substring(dash + 1).strip();
            long start;
            long length;
            try {
                if (first.isEmpty()) {
                    long n = Long.parseLong(last);
                    if (n < 0) {
                        return null;
                    }
                    n = Math.min(n, size);
                    start = size - n;
                    length = size - start;
                } else {
                    long i = Long.parseLong(first);
                    if (i < 0) {
                        return null;
                    }
                    if (last.isEmpty()) {
                        start = i;
                        length = size - i;
                    } else {
                        long j = Long.parseLong(last);
                        if (j < i) {
                            return null;
                        }
                        start = i;
                        length = j == Long.MAX_VALUE ? Long.MAX_VALUE - i : j - i + 1;
                    }
                }
            } catch (NumberFormatException e) {
                return null;
            }
            if (start >= size) {
                pastEnd = true;
                continue;
            }
            if (length > size - start) {
                length = size - start;
            }
            spans.add(new Span(start, length));
        }
        return new ParsedRange(spans, pastEnd);
    }

    /** {@code attachment; filename="x"}, or the percent-encoded name twice (RFC 5987) when not plain ASCII. */
    static String contentDisposition(String name) {
        boolean plain = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 126 || c < 32 || c == '"' || c == '\\') {
                plain = false;
                break;
            }
        }
        if (plain) {
            return "attachment; filename=\"" + name + "\"";
        }
        String encoded = pathEscape(name);
        return "attachment; filename=\"" + encoded + "\"; filename*=UTF-8''" + encoded;
    }

    /** Go's {@code url.PathEscape}. */
    static String pathEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-_.~$&+:=@".indexOf(c) >= 0;
            if (keep) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static long lineNumber(String name, String raw, long fallback) {
        if (!notEmpty(raw)) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1) {
            throw FsErrors.invalidRequest("invalid query parameter '" + name + "': " + raw);
        }
        return value;
    }

    /** The first of several ranges: in memory when small (with a length), else streamed. */
    private static Response firstRange(Path path, FileChannel opened, Span span, long size, String disposition,
            Executor executor) {
        if (span.length() <= SMALL_RANGE) {
            byte[] bytes = new byte[(int) span.length()];
            try (FileChannel ch = openRead(path, opened)) {
                ByteBuffer bb = ByteBuffer.wrap(bytes);
                long pos = span.start();
                while (bb.hasRemaining()) {
                    int n = ch.read(bb, pos);
                    if (n < 0) {
                        break;
                    }
                    pos += n;
                }
            } catch (IOException e) {
                throw FsErrors.fileError(e);
            }
            return Responses.bytes(206, OCTET_STREAM, bytes)
                    .withHeader("Content-Disposition", disposition)
                    .withHeader("Content-Range", span.contentRange(size))
                    .withHeader("Accept-Ranges", "bytes");
        }
        return Responses.stream(206, OCTET_STREAM, out -> {
            BlockingBodyWriter writer = new BlockingBodyWriter(out);
            executor.execute(() -> {
                try (FileChannel ch = openRead(path, opened)) {
                    long pos = span.start();
                    long end = span.start() + span.length();
                    while (pos < end) {
                        ByteBuf chunk = writer.buffer((int) Math.min(CHUNK, end - pos));
                        int n = chunk.writeBytes(ch, pos, chunk.writableBytes());
                        if (n <= 0) {
                            chunk.release();
                            break;
                        }
                        pos += n;
                        writer.write(chunk);
                    }
                    writer.end();
                } catch (IOException | RuntimeException e) {
                    log.debug("Range download of {} ended early", path, e);
                    writer.fail(e);
                }
            });
        }).withHeader("Content-Disposition", disposition).withHeader("Content-Range", span.contentRange(size));
    }

    /** Line mode: lines {@code offset..offset+limit-1} (1-based) joined by {@code \n}, trailing CR/LF trimmed. */
    private static Response lines(Path path, FileChannel opened, long offset, long limit, Executor executor) {
        return Responses.stream(200, "text/plain; charset=utf-8", out -> {
            BlockingBodyWriter writer = new BlockingBodyWriter(out);
            executor.execute(() -> {
                try (FileChannel ch = openRead(path, opened)) {
                    new LineSelector(offset, limit, writer).run(ch);
                    writer.end();
                } catch (IOException | RuntimeException e) {
                    log.debug("Line read of {} ended early", path, e);
                    writer.fail(e);
                }
            });
        });
    }

    /** Streams the selected lines without holding a whole line (or file) in memory. */
    static final class LineSelector {
        private final long offset;
        private final long limit;
        private final BlockingBodyWriter writer;
        private ByteBuf pending;
        private long lineNum;
        private long written;
        private boolean inLine;
        private boolean emitting;
        private int pendingCr;

        LineSelector(long offset, long limit, BlockingBodyWriter writer) {
            this.offset = offset;
            this.limit = limit;
            this.writer = writer;
        }

        void run(FileChannel ch) throws IOException {
            byte[] buf = new byte[CHUNK];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            try {
                while (true) {
                    bb.clear();
                    int n = ch.read(bb);
                    if (n < 0) {
                        break;
                    }
                    if (!consume(buf, n)) {
                        break;
                    }
                }
                flush();
            } finally {
                if (pending != null) {
                    pending.release();
                    pending = null;
                }
            }
        }

        /** @return false once {@code limit} lines are out */
        private boolean consume(byte[] buf, int n) throws IOException {
            int pos = 0;
            while (pos < n) {
                if (!inLine) {
                    inLine = true;
                    lineNum++;
                    emitting = lineNum >= offset;
                    pendingCr = 0;
                    if (emitting) {
                        if (written > 0) {
                            out(new byte[] {'\n'}, 0, 1);
                        }
                        written++;
                    }
                }
                int nl = pos;
                while (nl < n && buf[nl] != '\n') {
                    nl++;
                }
                if (emitting) {
                    segment(buf, pos, nl);
                }
                if (nl < n) {
                    inLine = false;
                    pos = nl + 1;
                    if (emitting && limit >= 0 && written >= limit) {
                        return false;
                    }
                } else {
                    pos = n;
                }
            }
            return true;
        }

        /** Line bytes; a run of CRs is held back until it turns out not to be at the end of the line. */
        private void segment(byte[] buf, int from, int to) throws IOException {
            int trailing = 0;
            while (to - trailing > from && buf[to - trailing - 1] == '\r') {
                trailing++;
            }
            if (to - trailing > from) {
                for (; pendingCr > 0; pendingCr--) {
                    out(new byte[] {'\r'}, 0, 1);
                }
                out(buf, from, to - trailing - from);
            }
            pendingCr += trailing;
        }

        private void out(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (pending == null) {
                    pending = writer.buffer(CHUNK);
                }
                int n = Math.min(len, pending.writableBytes());
                pending.writeBytes(b, off, n);
                off += n;
                len -= n;
                if (!pending.isWritable()) {
                    ByteBuf full = pending;
                    pending = null;
                    writer.write(full);
                }
            }
        }

        private void flush() throws IOException {
            if (pending != null && pending.isReadable()) {
                ByteBuf last = pending;
                pending = null;
                writer.write(last);
            }
        }
    }
}
