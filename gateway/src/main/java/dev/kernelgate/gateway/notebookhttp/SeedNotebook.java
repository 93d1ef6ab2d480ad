package dev.kernelgate.gateway.notebookhttp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The notebook a notebook-http gateway serves: its kernelspec name, language, code cells (in order) and the file
 * as read, for {@code /_api/source}.
 *
 * @param title      the file name up to its first dot, the swagger spec's title
 * @param kernelName {@code metadata.kernelspec.name}; {@code null} when the notebook names none
 * @param language   {@code metadata.language_info.name}; {@code null} when absent
 */
public record SeedNotebook(String title, String kernelName, String language, List<String> codeCells, byte[] bytes) {
    public SeedNotebook {
        codeCells = List.copyOf(codeCells);
    }

    /** Reads a local path, a {@code file:} URI or an {@code http(s):} URL, as upstream's seed_uri. Blocking. */
    public static SeedNotebook read(String uri) {
        byte[] bytes;
        String name;
        try {
            if (uri.startsWith("http://") || uri.startsWith("https://")) {
                URI target = URI.create(uri);
                bytes = download(target);
                name = target.getPath();
            } else {
                Path path = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
                bytes = Files.readAllBytes(path);
                name = path.toString();
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the seed notebook " + uri + ": " + e.getMessage(), e);
        }
        return parse(baseName(name), bytes);
    }

    /** A notebook (nbformat 4 JSON) from bytes; {@code title} names it in the swagger spec. */
    public static SeedNotebook parse(String title, byte[] bytes) {
        JsonNode nb;
        try {
            nb = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("the seed notebook " + title + " is not JSON: " + e.getMessage(), e);
        }
        if (nb == null || !nb.path("cells").isArray()) {
            throw new IllegalArgumentException("the seed notebook " + title + " has no cells (nbformat 4 expected)");
        }
        List<String> cells = new ArrayList<>();
        for (JsonNode cell : nb.path("cells")) {
            if ("code".equals(cell.path("cell_type").asText())) {
                cells.add(source(cell.path("source")));
            }
        }
        JsonNode metadata = nb.path("metadata");
        return new SeedNotebook(title, textOrNull(metadata.path("kernelspec").path("name")),
                textOrNull(metadata.path("language_info").path("name")), cells, bytes);
    }

    /** nbformat stores a source as one string or as a list of lines (each with its newline). */
    private static String source(JsonNode source) {
        if (!source.isArray()) {
            return source.asText("");
        }
        StringBuilder out = new StringBuilder();
        source.forEach(line -> out.append(line.asText("")));
        return out.toString();
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    /** As upstream's swagger title: the base name up to its first dot (unless the name starts with one). */
    private static String baseName(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    private static byte[] download(URI target) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        try {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(target)
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
