package dev.kernelgate.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few REST calls of the Kernel Gateway / Jupyter Server API the benchmarks need. */
final class Rest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** POST /api/kernels; returns the new kernel's id. */
    String startKernel(ServerProcess server, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(server, "/api/kernels")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException(server.name() + ": POST /api/kernels answered " + response.statusCode() + " "
                    + response.body());
        }
        JsonNode model = Json.MAPPER.readTree(response.body());
        return model.path("id").asText();
    }

    /** GET /api/kernelspecs/{name}: the spec the server launches for that name. */
    JsonNode kernelspec(ServerProcess server, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(server, "/api/kernelspecs/" + name).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(server.name() + ": GET /api/kernelspecs/" + name + " answered "
                    + response.statusCode() + " " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    void deleteKernel(ServerProcess server, String id) throws IOException, InterruptedException {
        http.send(request(server, "/api/kernels/" + id).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    HttpClient http() {
        return http;
    }

    private static HttpRequest.Builder request(ServerProcess server, String path) {
        return HttpRequest.newBuilder(URI.create(server.httpBase() + path))
                .header("Authorization", "token " + server.token())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120));
    }
}
