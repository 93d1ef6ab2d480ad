package dev.kernelgate.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The few execd calls the container tests make, over plain HTTP as the SDKs do: every path is appended to the base,
 * which may carry a path of its own (a bridge endpoint's {@code /proxy/44772}).
 */
final class ExecdClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;

    ExecdClient(URI base) {
        this.base = base;
    }

    /** The client an SDK builds from an endpoint ({@code host:port[/path]}, no scheme). */
    static ExecdClient ofEndpoint(String endpoint) {
        return new ExecdClient(URI.create("http://" + endpoint));
    }

    /** What a finished {@code /command} or {@code /code} stream said. */
    record Result(String stdout, String stderr, Integer exitCode, List<JsonNode> events) {
        /** The stdout events one by one: a command's output line by line ({@link #stdout()} joins them). */
        List<String> stdoutLines() {
            return events.stream().filter(e -> e.path("type").asText().equals("stdout"))
                    .map(e -> e.path("text").asText()).toList();
        }
    }

    int ping() throws IOException, InterruptedException {
        return http.send(get("/ping"), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@code GET} of any path under the base, with its body as text. */
    HttpResponse<String> fetch(String path) throws IOException, InterruptedException {
        return http.send(get(path), HttpResponse.BodyHandlers.ofString());
    }

    Result command(String command) throws IOException, InterruptedException {
        return parse(http.send(commandRequest(command), HttpResponse.BodyHandlers.ofString()).body());
    }

    CompletableFuture<Result> commandAsync(String command) {
        return http.sendAsync(commandRequest(command), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> parse(response.body()));
    }

    Result code(String language, String code) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("context").put("language", language);
        body.put("code", code);
        HttpRequest request = HttpRequest.newBuilder(at("/code")).timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return parse(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    private HttpRequest commandRequest(String command) {
        ObjectNode body = JSON.createObjectNode().put("command", command);
        return HttpRequest.newBuilder(at("/command")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    /** Events are bare JSON objects separated by blank lines. */
    private static Result parse(String stream) {
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        Integer exit = null;
        List<JsonNode> events = new ArrayList<>();
        for (String block : stream.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            JsonNode event;
            try {
                event = JSON.readTree(block.strip());
            } catch (IOException e) {
                throw new IllegalStateException("not an execd event: " + block, e);
            }
            events.add(event);
            switch (event.path("type").asText()) {
                case "stdout" -> stdout.append(event.path("text").asText());
                case "stderr" -> stderr.append(event.path("text").asText());
                case "execution_complete" -> exit = exit == null ? 0 : exit;
                case "error" -> exit = parseExit(event.path("error").path("evalue").asText());
                default -> { }
            }
        }
        return new Result(stdout.toString(), stderr.toString(), exit, events);
    }

    private static Integer parseExit(String value) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code POST /files/upload}: one metadata part (a file part, as the SDKs send it) and one file part. */
    int upload(String path, byte[] content) throws IOException, InterruptedException {
        String boundary = "kernelgate-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String metadata = JSON.createObjectNode().put("path", path).put("mode", 644).toString();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"metadata\""
                + "\r\nContent-Type: application/json\r\n\r\n" + metadata + "\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(at("/files/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    HttpResponse<byte[]> download(String path) throws IOException, InterruptedException {
        return http.send(get("/files/download?path=" + java.net.URLEncoder.encode(path, StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(at(path)).timeout(Duration.ofSeconds(10)).GET().build();
    }

    private URI at(String path) {
        return URI.create(base + path);
    }
}
