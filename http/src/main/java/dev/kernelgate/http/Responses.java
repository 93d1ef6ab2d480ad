package dev.kernelgate.http;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Factories for the usual {@link Response}s. */
public final class Responses {

    private Responses() {
    }

    /** {@code value} as JSON (serialized with the face's mapper when written). */
    public static Response.Json json(int status, Object value) {
        return new Response.Json(status, null, value, List.of());
    }

    public static Response.Json json(Object value) {
        return json(200, value);
    }

    /** 204, no body. */
    public static Response.Full noContent() {
        return empty(204);
    }

    /** A status with an empty body and no content type (execd answers success with a bare 200). */
    public static Response.Full empty(int status) {
        return new Response.Full(status, null, null, new byte[0], List.of());
    }

    public static Response.Full bytes(int status, String contentType, byte[] body) {
        return new Response.Full(status, null, contentType, body, List.of());
    }

    public static Response.Full text(int status, String text) {
        return bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A file; type from its extension. Range, HEAD, ETag and Last-Modified are handled. */
    public static Response.File file(Path path) {
        return new Response.File(path, null, List.of());
    }

    public static Response.File file(Path path, String contentType) {
        return new Response.File(path, contentType, List.of());
    }

    /** A file already open (and closed by the sender); {@code name} gives the type when none is set. */
    public static Response.File file(FileChannel channel, Path name, long modifiedMillis, String contentType) {
        return new Response.File(name, contentType, List.of(), new Response.Opened(channel, modifiedMillis));
    }

    /** A chunked body produced by {@code body}; headers are sent with the first bytes. */
    public static Response.Stream stream(int status, String contentType, StreamBody body) {
        return new Response.Stream(status, contentType, body, List.of());
    }

    /**
     * An OpenSandbox-style event stream: {@code text/event-stream}, each event a bare JSON object
     * followed by a blank line, no {@code data:} prefix.
     */
    public static Response.Stream eventStream(EventStreamHandler handler) {
        StreamBody body = out -> handler.start(new EventStreamWriter(out));
        return new Response.Stream(200, "text/event-stream", body, List.of(
                new Header("Cache-Control", "no-cache"),
                new Header("Connection", "keep-alive"),
                new Header("X-Accel-Buffering", "no")));
    }

    /** A response that arrives later, completed from any thread. A failed stage is rendered as an error. */
    public static Response.Deferred async(CompletionStage<? extends Response> stage) {
        return new Response.Deferred(stage);
    }
}
