package dev.kernelgate.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * One complete HTTP request as a handler sees it. Immutable; safe to read from any thread while the
 * exchange lasts. The body buffer is released once the response has been written: copy what must outlive it.
 */
public final class Request {

    private final HttpMethod method;
    private final HttpVersion version;
    private final String uri;
    private final String rawPath;
    private final Map<String, List<String>> query;
    private final HttpHeaders headers;
    private final Map<String, String> pathParams;
    private final ByteBuf body;
    private final boolean secure;
    private final SocketAddress remoteAddress;
    private final JsonCodec json;
    private final Function<? super Exception, HttpError> invalidJson;
    private final Executor blockingExecutor;
    private final StreamingRequestBody streamedBody;
    private BodySource bodySource;

    Request(HttpMethod method, HttpVersion version, String uri, String rawPath, Map<String, List<String>> query,
            HttpHeaders headers, Map<String, String> pathParams, ByteBuf body, boolean secure,
            SocketAddress remoteAddress, JsonCodec json, Function<? super Exception, HttpError> invalidJson,
            Executor blockingExecutor, StreamingRequestBody streamedBody) {
        this.method = method;
        this.version = version;
        this.uri = uri;
        this.rawPath = rawPath;
        this.query = query;
        this.headers = headers;
        this.pathParams = Map.copyOf(pathParams);
        this.body = body.asReadOnly();
        this.secure = secure;
        this.remoteAddress = remoteAddress;
        this.json = json;
        this.invalidJson = invalidJson;
        this.blockingExecutor = blockingExecutor;
        this.streamedBody = streamedBody;
    }

    public String method() {
        return method.name();
    }

    public HttpMethod httpMethod() {
        return method;
    }

    public HttpVersion protocolVersion() {
        return version;
    }

    /** The request target as sent (path and query, still percent-encoded). */
    public String uri() {
        return uri;
    }

    /** The path as sent, percent-encoded; routing matches against this. */
    public String rawPath() {
        return rawPath;
    }

    /** The decoded path ({@code +} stays {@code +}). */
    public String path() {
        return PathCodec.decode(rawPath);
    }

    /** All query parameters, decoded, in order. */
    public Map<String, List<String>> queryParams() {
        return query;
    }

    /** First value of a query parameter, or {@code null}. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** Request headers; treat as read-only. */
    public HttpHeaders headers() {
        return headers;
    }

    /** First value of a header, or {@code null}. */
    public String header(CharSequence name) {
        return headers.get(name);
    }

    /** A path parameter, percent-decoded, or {@code null} if the route has none by that name. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public Map<String, String> pathParams() {
        return pathParams;
    }

    /** Whether a buffered body has bytes; always false on a streaming route (read {@link #bodyStream()}). */
    public boolean hasBody() {
        return body.isReadable();
    }

    /**
     * The body as a {@link BodySource}: read incrementally on a {@link RouteOptions#streaming()} route, where
     * {@link #body()} and friends are empty; over the aggregated body elsewhere. Always the same instance.
     */
    public synchronized BodySource bodyStream() {
        if (bodySource == null) {
            bodySource = streamedBody != null ? streamedBody : new BufferedBodySource(body);
        }
        return bodySource;
    }

    /** True on a streaming route: the body arrives while the handler runs. */
    public boolean isBodyStreamed() {
        return streamedBody != null;
    }

    /** A streamed body that has not fully arrived yet (the answer then closes the connection). */
    boolean bodyPending() {
        return streamedBody != null && !streamedBody.ended();
    }

    /** The body as a read-only buffer, valid until the response is written. Do not release it. */
    public ByteBuf body() {
        return body.duplicate();
    }

    public byte[] bodyBytes() {
        return ByteBufUtil.getBytes(body);
    }

    public String bodyText() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** The body as JSON; malformed or empty bodies throw the face's bad-request error. */
    public <T> T json(Class<T> type) {
        try {
            return json.read(body, type);
        } catch (IOException | RuntimeException e) {
            throw invalidJson.apply(e);
        }
    }

    public <T> T json(TypeReference<T> type) {
        try {
            return json.read(body, type);
        } catch (IOException | RuntimeException e) {
            throw invalidJson.apply(e);
        }
    }

    public JsonNode jsonTree() {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw invalidJson.apply(e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw invalidJson.apply(new IOException("empty body"));
        }
        return tree;
    }

    public JsonCodec jsonCodec() {
        return json;
    }

    public boolean isSecure() {
        return secure;
    }

    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** A GET carrying {@code Upgrade: websocket} and {@code Connection: upgrade}. */
    public boolean isWebSocketUpgrade() {
        return HttpMethod.GET.equals(method)
                && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** Subprotocols the client offered in {@code Sec-WebSocket-Protocol}, in its order of preference. */
    public List<String> webSocketSubprotocols() {
        List<String> offered = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String token : value.split(",")) {
                String trimmed = token.trim();
                if (!trimmed.isEmpty()) {
                    offered.add(trimmed);
                }
            }
        }
        return offered;
    }

    /** The server's bounded executor for blocking work. */
    public Executor blockingExecutor() {
        return blockingExecutor;
    }

    /**
     * Runs blocking {@code work} on the blocking executor and answers with its result; a full
     * executor answers 503.
     */
    public Response offload(Callable<? extends Response> work) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        try {
            blockingExecutor.execute(() -> {
                try {
                    result.complete(work.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new HttpError(503, "Server busy");
        }
        return new Response.Deferred(result);
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }
}
