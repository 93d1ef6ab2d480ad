package dev.kernelgate.gateway.notebookhttp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.http.HttpError;
import dev.kernelgate.kernels.ExecuteOptions;
import dev.kernelgate.kernels.KernelClient;
import dev.kernelgate.wire.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs an endpoint on a pooled kernel as upstream does: {@code REQUEST = "<json>"}, then the endpoint's cells (their
 * stdout is the body), then its ResponseInfo cells (their stdout, a JSON object, sets status and headers). A failing
 * cell answers 500 with the error. The kernel goes back to the pool whatever happens.
 */
final class NotebookApiService implements AutoCloseable {
    private final SeededKernelPool pool;
    private final String language;

    NotebookApiService(SeededKernelPool pool, String language) {
        this.pool = pool;
        this.language = language;
    }

    /** What an endpoint answers. */
    record ApiResponse(int status, Map<String, String> headers, String body) {
        static final String DEFAULT_CONTENT_TYPE = "text/plain";
    }

    CompletableFuture<ApiResponse> call(Endpoint endpoint, String verb, ObjectNode request) {
        String source = endpoint.sources().get(verb);
        String responseSource = endpoint.responseSources().get(verb);
        String requestCode = RequestBundle.code(request, language);
        return pool.acquire().thenCompose(client -> {
            CompletableFuture<ApiResponse> answer;
            try {
                answer = run(client, requestCode, source, responseSource);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            return answer.whenComplete((response, error) -> pool.release(client));
        });
    }

    private CompletableFuture<ApiResponse> run(KernelClient client, String requestCode, String source,
                                               String responseSource) {
        return execute(client, requestCode).thenCompose(assigned -> {
            if (assigned.failed()) {
                return CompletableFuture.completedFuture(failure(assigned));
            }
            return execute(client, source).thenCompose(output -> {
                if (output.failed()) {
                    return CompletableFuture.completedFuture(failure(output));
                }
                if (responseSource == null) {
                    return CompletableFuture.completedFuture(ok(output.text(), Map.of(), 200));
                }
                return execute(client, responseSource).thenApply(info -> info.failed() ? failure(info)
                        : withResponseInfo(output.text(), info.text()));
            });
        });
    }

    private static CompletableFuture<CellOutput> execute(KernelClient client, String code) {
        CellOutput.Collector collector = new CellOutput.Collector();
        return client.execute(code, ExecuteOptions.defaults(), collector).result().thenApply(collector::finish);
    }

    private static ApiResponse failure(CellOutput output) {
        return new ApiResponse(500, Map.of("Content-Type", ApiResponse.DEFAULT_CONTENT_TYPE), output.error());
    }

    private static ApiResponse ok(String body, Map<String, String> headers, int status) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Content-Type", ApiResponse.DEFAULT_CONTENT_TYPE);
        headers.forEach((name, value) -> {
            all.keySet().removeIf(n -> n.equalsIgnoreCase(name));
            all.put(name, value);
        });
        return new ApiResponse(status, all, body);
    }

    /** The ResponseInfo cell printed {@code {"status": 201, "headers": {"Name": "value"}}} (both optional). */
    private static ApiResponse withResponseInfo(String body, String info) {
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(info);
        } catch (IOException e) {
            throw responseInfoError("is not JSON: " + info.strip());
        }
        if (parsed == null || !parsed.isObject()) {
            throw responseInfoError("is not a JSON object: " + info.strip());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode given = parsed.path("headers");
        if (!given.isMissingNode() && !given.isObject()) {
            throw responseInfoError("has \"headers\" that are not an object");
        }
        given.fields().forEachRemaining(e -> headers.put(e.getKey(),
                e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        int status = 200;
        JsonNode code = parsed.path("status");
        if (!code.isMissingNode()) {
            if (!code.canConvertToInt() || code.asInt() < 100 || code.asInt() > 599) {
                throw responseInfoError("has a status that is not an HTTP status code: " + code);
            }
            status = code.asInt();
        }
        return ok(body, headers, status);
    }

    private static HttpError responseInfoError(String what) {
        return new HttpError(500, "Internal Server Error", "The ResponseInfo cell's output " + what, null);
    }

    @Override
    public void close() {
        pool.close();
    }
}
