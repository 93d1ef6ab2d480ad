package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The execd routes that keep state between requests, which SDK 1.0.0 has no methods for: bash sessions
 * ({@code /session}) and code contexts ({@code /code/context}, {@code /code}). Called over the SDK's own HTTP
 * clients, at the endpoint the SDK reports for execd's port, so TLS and timeouts are the SDK's.
 *
 * <p>A run answers what {@code commands().run} reads: JSON events separated by a blank line, ended after the
 * terminal event ({@code execution_complete} or {@code error}).
 */
public final class ExecdDirect {
    /** execd's port inside every sandbox. */
    static final int EXECD_PORT = 44772;
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OkHttpClient http;
    private final OkHttpClient streams;
    private final String execd;

    private ExecdDirect(OkHttpClient http, OkHttpClient streams, String execd) {
        this.http = http;
        this.streams = streams;
        this.execd = execd;
    }

    public static ExecdDirect of(Sandbox sandbox) {
        return new ExecdDirect(sandbox.httpClientProvider().getHttpClient(),
                sandbox.httpClientProvider().getSseClient(),
                sandbox.httpClientProvider().getConfig().getProtocol() + "://"
                        + sandbox.getEndpoint(EXECD_PORT).getEndpoint());
    }

    /** A new bash session; its id. */
    public String createSession() {
        return call(post("/session", Map.of())).path("session_id").asText();
    }

    /** Runs {@code command} in the session's shell: its output (stderr merged), or an exception when it fails. */
    public String runInSession(String sessionId, String command) {
        return stream(post("/session/" + sessionId + "/run", Map.of("command", command)), command);
    }

    public void deleteSession(String sessionId) {
        call(new Request.Builder().url(execd + "/session/" + sessionId).delete().build());
    }

    /** A new code context (a live kernel) for {@code language}, e.g. {@code python}; its id. */
    public String createCodeContext(String language) {
        return call(post("/code/context", Map.of("language", language))).path("id").asText();
    }

    /** Runs {@code code} in the context: what it printed and the value of its last expression, or an exception. */
    public String runCode(String contextId, String language, String code) {
        return stream(post("/code", Map.of("code", code, "context", Map.of("id", contextId, "language", language))),
                code);
    }

    public void deleteCodeContext(String contextId) {
        call(new Request.Builder().url(execd + "/code/contexts/" + contextId).delete().build());
    }

    private String stream(Request request, String what) {
        List<String> lines = new ArrayList<>();
        try (Response response = streams.newCall(request).execute()) {
            String body = response.body().string();
            if (!response.isSuccessful()) {
                throw new IllegalStateException(request.url().encodedPath() + ": HTTP " + response.code() + " "
                        + body);
            }
            for (String event : body.split("\n\n")) {
                if (event.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(event);
                switch (node.path("type").asText()) {
                    case "stdout", "stderr" -> lines.add(node.path("text").asText().stripTrailing());
                    case "result" -> lines.add(node.path("results").path("text").asText());
                    case "error" -> throw new IllegalStateException("`" + what + "` failed: "
                            + node.path("error").path("ename").asText() + " "
                            + node.path("error").path("evalue").asText() + "; output: " + lines);
                    default -> {
                        // init, execution_count, execution_complete, ping: nothing to keep
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join("\n", lines);
    }

    private Request post(String path, Map<String, ?> body) {
        try {
            return new Request.Builder().url(execd + path)
                    .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode call(Request request) {
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            if (!response.isSuccessful()) {
                throw new IllegalStateException(request.method() + " " + request.url().encodedPath() + ": HTTP "
                        + response.code() + " " + body);
            }
            return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
