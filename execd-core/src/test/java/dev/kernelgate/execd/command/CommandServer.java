package dev.kernelgate.execd.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.http.CodeMessageErrorRenderer;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The command and session handlers on a loopback port, with a client. */
final class CommandServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final CommandService commands;
    final BashSessions sessions;
    final Path envsFile;
    private final ExecutorService blocking = Executors.newFixedThreadPool(8);
    private final RunningServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    CommandServer(Path dir) {
        this.envsFile = dir.resolve("execd.env");
        ExecdConfig config = new ExecdConfig("127.0.0.1", 0, "", envsFile, null, Duration.ofMillis(500), List.of(),
                0, null, dir.resolve("output"));
        commands = new CommandService(config);
        sessions = new BashSessions(commands);
        CommandHandler commandHandler = new CommandHandler(commands, sessions);
        SessionHandler sessionHandler = new SessionHandler(sessions);
        Routes routes = Routes.builder()
                .errors(new CodeMessageErrorRenderer(status -> null))
                .post("/command", commandHandler::run)
                .delete("/command", commandHandler::interrupt)
                .get("/command/status/{id}", commandHandler::status)
                .get("/command/{id}/logs", commandHandler::logs)
                .post("/session", sessionHandler::create)
                .post("/session/{sessionId}/run", sessionHandler::run)
                .delete("/session/{sessionId}", sessionHandler::delete)
                .build();
        server = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), routes, blocking).start();
        base = "http://127.0.0.1:" + server.port();
    }

    URI uri(String path) {
        return URI.create(base + path);
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, publisher).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs and reads the whole event stream. */
    Events stream(String path, String body) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = client.send(HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
        List<JsonNode> events = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.isEmpty()) {
                    events.add(JSON.readTree(line));
                }
            }
        }
        return new Events(response.statusCode(), response.headers().firstValue("content-type").orElse(""), events);
    }

    Events command(String json) throws IOException, InterruptedException {
        return stream("/command", json);
    }

    /** Starts a stream and hands back its body unread (to read some of it, then hang up). */
    HttpResponse<InputStream> open(String path, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(text, e);
        }
    }

    @Override
    public void close() {
        server.close();
        sessions.close();
        commands.close();
        blocking.shutdownNow();
    }

    /** The events of one stream. */
    record Events(int status, String contentType, List<JsonNode> all) {

        List<String> types() {
            return all.stream().map(e -> e.path("type").asText()).toList();
        }

        List<String> texts(String type) {
            return all.stream().filter(e -> e.path("type").asText().equals(type))
                    .map(e -> e.path("text").asText()).toList();
        }

        long count(String type) {
            return all.stream().filter(e -> e.path("type").asText().equals(type)).count();
        }

        JsonNode first(String type) {
            return all.stream().filter(e -> e.path("type").asText().equals(type)).findFirst().orElse(null);
        }

        String id() {
            return first("init").path("text").asText();
        }

        boolean any(Predicate<JsonNode> test) {
            return all.stream().anyMatch(test);
        }
    }
}
