package dev.kernelgate.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for the lifecycle API (and, through endpoints, execd). */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A response: status, parsed JSON body (a missing node when empty or not JSON) and headers. */
    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final HttpClient http;
    private final String base;
    private final String apiKey;

    ApiClient(String base, String apiKey) {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), base, apiKey);
    }

    ApiClient(HttpClient http, String base, String apiKey) {
        this.http = http;
        this.base = base;
        this.apiKey = apiKey;
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    Reply post(String path, String json) {
        return send("POST", path, json);
    }

    Reply send(String method, String path, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (apiKey != null) {
            b.header(LifecycleRoutes.API_KEY_HEADER, apiKey);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = r.body().isEmpty() ? JSON.missingNode() : JSON.readTree(r.body());
            } catch (IOException e) {
                body = JSON.missingNode();
            }
            return new Reply(r.statusCode(), body, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A create body with the SDK's defaults. */
    static String createBody(Integer timeout, String extra) {
        return "{\"image\":{\"uri\":\"local\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
                + "\"resourceLimits\":{\"cpu\":\"1\",\"memory\":\"2Gi\"}"
                + (timeout == null ? "" : ",\"timeout\":" + timeout) + (extra == null ? "" : "," + extra) + "}";
    }
}
