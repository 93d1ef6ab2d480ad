package dev.kernelgate.http;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a handler answers. Build them with {@link Responses}; the server writes them:
 * <ul>
 *   <li>{@link Full}: bytes known up front (also empty 200/204);</li>
 *   <li>{@link Json}: a value serialized with the face's {@link JsonCodec} when written;</li>
 *   <li>{@link File}: a file with Range, HEAD and conditional GET, sent zero-copy;</li>
 *   <li>{@link Stream}: a chunked body produced over time (event streams, big downloads);</li>
 *   <li>{@link Deferred}: any of the above, later, from any thread.</li>
 * </ul>
 * A {@code reason} of {@code null} means the standard status-line phrase.
 */
public sealed interface Response
        permits Response.Full, Response.Json, Response.File, Response.Stream, Response.Deferred {

    /** Extra header fields, written after the kit's own (content type, length). */
    List<Header> headers();

    /** A copy with one more header field. */
    Response withHeader(String headerName, String headerValue);

    record Full(int status, String reason, String contentType, byte[] body, List<Header> headers)
            implements Response {
        public Full {
            body = body == null ? new byte[0] : body;
            headers = List.copyOf(headers);
        }

        @Override
        public Full withHeader(String headerName, String headerValue) {
            return new Full(status, reason, contentType, body, Header.append(headers, headerName, headerValue));
        }
    }

    record Json(int status, String reason, Object value, List<Header> headers) implements Response {
        public Json {
            headers = List.copyOf(headers);
        }

        @Override
        public Json withHeader(String headerName, String headerValue) {
            return new Json(status, reason, value, Header.append(headers, headerName, headerValue));
        }
    }

    /**
     * @param contentType {@code null} picks one from the file name ({@link ContentTypes})
     * @param opened      {@code null} to open {@code path} when sending; else the file already open (then
     *                    {@code path} only names it), so what is sent is exactly what the handler opened and checked
     */
    record File(Path path, String contentType, List<Header> headers, Opened opened) implements Response {
        public File {
            Objects.requireNonNull(path, "path");
            headers = List.copyOf(headers);
        }

        public File(Path path, String contentType, List<Header> headers) {
            this(path, contentType, headers, null);
        }

        @Override
        public File withHeader(String headerName, String headerValue) {
            return new File(path, contentType, Header.append(headers, headerName, headerValue), opened);
        }
    }

    /** An open file to send (the sender closes it) and its modification time for Last-Modified / ETag. */
    record Opened(FileChannel channel, long modifiedMillis) {
        public Opened {
            Objects.requireNonNull(channel, "channel");
        }
    }

    /** The status and headers go out lazily with the first body bytes (or at {@code end()}). */
    record Stream(int status, String contentType, StreamBody body, List<Header> headers) implements Response {
        public Stream {
            Objects.requireNonNull(body, "body");
            headers = List.copyOf(headers);
        }

        @Override
        public Stream withHeader(String headerName, String headerValue) {
            return new Stream(status, contentType, body, Header.append(headers, headerName, headerValue));
        }
    }

    record Deferred(CompletionStage<? extends Response> stage) implements Response {
        public Deferred {
            Objects.requireNonNull(stage, "stage");
        }

        @Override
        public List<Header> headers() {
            return List.of();
        }

        @Override
        public Deferred withHeader(String headerName, String headerValue) {
            return new Deferred(stage.thenApply(r -> r.withHeader(headerName, headerValue)));
        }
    }
}
