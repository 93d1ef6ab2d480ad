package dev.kernelgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;

/**
 * Sends a {@link Response.File}: single Range (206/416), HEAD, ETag / Last-Modified with conditional GET
 * (304). The bytes go zero-copy with {@link DefaultFileRegion}, or as chunks under TLS (which must see
 * them), so heap use does not grow with the file.
 */
final class FileSender {

    private static final int TLS_CHUNK = 64 * 1024;

    private FileSender() {
    }

    static void send(ResponseSink exchange, Response.File file) throws IOException {
        if (file.opened() != null) {
            FileChannel channel = file.opened().channel();
            try {
                sendOpen(exchange, file, channel, file.opened().modifiedMillis());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            return;
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file.path(), BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw HttpError.notFound("");
        }
        if (!attrs.isRegularFile()) {
            throw HttpError.notFound("");
        }
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(file.path().toFile(), "r");
        } catch (FileNotFoundException e) {
            throw HttpError.notFound(""); // vanished or unreadable since the stat
        }
        try {
            sendOpen(exchange, file, raf.getChannel(), attrs.lastModifiedTime().toMillis());
        } catch (IOException | RuntimeException e) {
            raf.close();
            throw e;
        }
    }

    /** The channel (a RandomAccessFile's channel closes the file too) is ours to close from here. */
    private static void sendOpen(ResponseSink exchange, Response.File file, FileChannel channel, long modifiedMillis)
            throws IOException {
        Request request = exchange.request();
        long size = channel.size();
        String etag = "\"" + Long.toHexString(modifiedMillis) + "-" + Long.toHexString(size) + "\"";
        String lastModified = DateFormatter.format(new Date(modifiedMillis));

        if (notModified(request, etag, modifiedMillis)) {
            channel.close();
            HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            res.headers().set(HttpHeaderNames.ETAG, etag).set(HttpHeaderNames.LAST_MODIFIED, lastModified);
            finish(exchange, res, file);
            return;
        }
        ByteRange range = ifRangeHolds(request, etag, modifiedMillis)
                ? ByteRange.parse(request.header(HttpHeaderNames.RANGE), size) : null;
        long start = range == null ? 0 : range.start();
        long length = range == null ? size : range.length();

        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT);
        HttpHeaders h = res.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, file.contentType() != null ? file.contentType()
                : ContentTypes.forFileName(String.valueOf(file.path().getFileName())));
        h.set(HttpHeaderNames.CONTENT_LENGTH, length);
        h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        h.set(HttpHeaderNames.LAST_MODIFIED, lastModified);
        h.set(HttpHeaderNames.ETAG, etag);
        if (range != null) {
            h.set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(size));
        }
        if (exchange.isHead() || length == 0) {
            channel.close();
            finish(exchange, res, file);
            return;
        }
        exchange.prepareHead(res, file.headers());
        exchange.markStarted();
        ChannelHandlerContext ctx = exchange.ctx();
        ctx.write(res);
        if (exchange.isTls()) {
            ctx.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(channel, start, length, TLS_CHUNK)))
                    .addListener(exchange::completed);
        } else {
            ctx.write(new DefaultFileRegion(channel, start, length));
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(exchange::completed);
        }
    }

    /** A head with no body bytes (HEAD, 304, empty file). */
    private static void finish(ResponseSink exchange, HttpResponse res, Response.File file) {
        exchange.prepareHead(res, file.headers());
        exchange.markStarted();
        exchange.ctx().write(res);
        exchange.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(exchange::completed);
    }

    /** RFC 7232: If-None-Match wins over If-Modified-Since; both only for GET/HEAD. */
    private static boolean notModified(Request request, String etag, long modifiedMillis) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return false;
        }
        String ifNoneMatch = request.header(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            for (String tag : ifNoneMatch.split(",")) {
                String t = tag.trim();
                if (t.equals("*") || weak(t).equals(etag)) {
                    return true;
                }
            }
            return false;
        }
        String ifModifiedSince = request.header(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ifModifiedSince != null) {
            Date since = DateFormatter.parseHttpDate(ifModifiedSince);
            return since != null && modifiedMillis / 1000 <= since.getTime() / 1000;
        }
        return false;
    }

    /** If-Range: honour Range only when the validator still matches (strong ETag or exact date). */
    private static boolean ifRangeHolds(Request request, String etag, long modifiedMillis) {
        String ifRange = request.header(HttpHeaderNames.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(etag);
        }
        Date date = DateFormatter.parseHttpDate(v);
        return date != null && date.getTime() / 1000 == modifiedMillis / 1000;
    }

    private static String weak(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
