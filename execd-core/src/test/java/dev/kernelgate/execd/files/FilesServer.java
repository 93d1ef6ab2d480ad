package dev.kernelgate.execd.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.http.CodeMessageErrorRenderer;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.Routes;
import dev.kernelgate.http.RunningServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The file and directory routes of execd on an ephemeral port, as the execd route table wires them. */
final class FilesServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final ExecutorService blocking = new ThreadPoolExecutor(4, 16, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256));
    final RunningServer running;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    FilesServer(FileService service) {
        FilesHandler files = new FilesHandler(service);
        DirectoriesHandler dirs = new DirectoriesHandler(service);
        Routes routes = Routes.builder()
                .errors(new CodeMessageErrorRenderer(status -> status >= 500 ? "RUNTIME_ERROR" : "INVALID_REQUEST_BODY"))
                .get("/files/info", files::info)
                .delete("/files", files::remove)
                .post("/files/mv", files::move)
                .post("/files/permissions", files::permissions)
                .get("/files/search", files::search)
                .post("/files/replace", files::replace)
                .post("/files/upload", files::upload, FilesHandler.uploadOptions())
                .get("/files/download", files::download)
                .get("/directories/list", dirs::list)
                .post("/directories", dirs::create)
                .delete("/directories", dirs::remove)
                .build();
        running = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), routes, blocking).start();
    }

    int port() {
        return running.port();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60));
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return send(request(pathAndQuery).GET().build());
    }

    HttpResponse<String> delete(String pathAndQuery) throws IOException, InterruptedException {
        return send(request(pathAndQuery).DELETE().build());
    }

    HttpResponse<String> post(String pathAndQuery, String json) throws IOException, InterruptedException {
        return send(request(pathAndQuery).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").build());
    }

    HttpResponse<String> upload(Multipart body) throws IOException, InterruptedException {
        return send(request("/files/upload").header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        running.close();
        blocking.shutdownNow();
    }
}
