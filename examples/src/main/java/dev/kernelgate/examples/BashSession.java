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
 * One bash session of execd ({@code POST /session}, {@code POST /session/{id}/run}, {@code DELETE /session/{id}}):
 * one shell process that runs every command in turn, so variables, functions and the working directory carry over.
 *
 * <p>SDK 1.0.0 has no method for these routes (nor for code contexts, {@code /code/context}), so this class calls
 * them over the SDK's own HTTP client, at the endpoint the SDK reports for execd's port. The stream a run answers
 * is what {@code commands().run} reads: JSON events separated by a blank line, ended after the terminal event.
 */
public final class BashSession implements AutoCloseable {
    /** execd's port inside every sandbox. */
    static final int EXECD_PORT = 44772;
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OkHttpClient http;
    private final OkHttpClient streams;
    private final String execd;
    private final String id;

    private BashSession(OkHttpClient http, OkHttpClient streams, String execd, String id) {
        this.http = http;
        this.streams = streams;
        this.execd = execd;
        this.id = id;
    }

    /** Starts a session in {@code sandbox}. */
    public static BashSession open(Sandbox sandbox) {
        String execd = sandbox.httpClientProvider().getConfig().getProtocol() + "://"
                + sandbox.getEndpoint(EXECD_PORT).getEndpoint();
        OkHttpClient http = sandbox.httpClientProvider().getHttpClient();
        JsonNode created = call(http, post(execd + "/session", Map.of()));
        return new BashSession(http, sandbox.httpClientProvider().getSseClient(), execd,
                created.path("session_id").asText());
    }

    public String id() {
        return id;
    }

    /** Runs {@code command} in the session's shell; its output (stderr merged), or an exception when it fails. */
    public String run(String command) {
        List<String> lines = new ArrayList<>();
        try (Response response = streams.newCall(post(execd + "/session/" + id + "/run",
                Map.of("command", command))).execute()) {
            String body = response.body().string();
            if (!response.isSuccessful()) {
                throw new IllegalStateException("session run: HTTP " + response.code() + " " + body);
            }
            for (String event : body.split("\n\n")) {
                if (event.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(event);
                switch (node.path("type").asText()) {
                    case "stdout", "stderr" -> lines.add(node.path("text").asText().stripTrailing());
                    case "error" -> throw new IllegalStateException("`" + command + "` failed: "
                            + node.path("error").path("ename").asText() + " "
                            + node.path("error").path("evalue").asText() + "; output: " + lines);
                    default -> {
                        // init, execution_complete, ping: nothing to keep
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join("\n", lines);
    }

    /** Ends the session's shell. */
    @Override
    public void close() {
        call(http, new Request.Builder().url(execd + "/session/" + id).delete().build());
    }

    private static Request post(String url, Map<String, String> body) {
        try {
            return new Request.Builder().url(url)
                    .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode call(OkHttpClient client, Request request) {
        try (Response response = client.newCall(request).execute()) {
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
