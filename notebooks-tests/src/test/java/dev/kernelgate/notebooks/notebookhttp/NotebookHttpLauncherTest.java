package dev.kernelgate.notebooks.notebookhttp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebook-http personality as users start it: {@code ./kernelgate gateway} with upstream's variables
 * ({@code KG_API}, {@code KG_SEED_URI}, {@code KG_PRESPAWN_COUNT}) on a notebook written here, and a plain HTTP
 * client: parameters, query strings, bodies, ResponseInfo, 404, 405, a raising cell and requests served by two
 * kernels at once.
 */
class NotebookHttpLauncherTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void theLauncherServesANotebookAsAnHttpApi() throws Exception {
        Path notebook = writeNotebook(dir.resolve("api.ipynb"), List.of(
                "import json, os, time",
                "# GET /hello/:name\nreq = json.loads(REQUEST)\nprint('hello ' + req['path']['name'] + ' '"
                        + " + ','.join(req['args'].get('x', [])))",
                "# POST /sum\nreq = json.loads(REQUEST)\nprint(sum(req['body']['numbers']))",
                "# ResponseInfo POST /sum\nprint(json.dumps({'status': 201, 'headers': {'Content-Type':"
                        + " 'application/json', 'X-Sum': 'yes'}}))",
                "# GET /slow\ntime.sleep(1)\nprint(os.getpid())",
                "# GET /boom\nraise ValueError('no such thing')"));
        Path repo = Path.of("").toAbsolutePath().getParent();
        int port = freePort();
        ProcessBuilder launcher = new ProcessBuilder(repo.resolve("kernelgate").toString(), "gateway")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile());
        launcher.environment().put("KERNELGATE_NO_BUILD", "1");
        launcher.environment().put("KG_API", "kernel_gateway.notebook_http");
        launcher.environment().put("KG_SEED_URI", notebook.toString());
        launcher.environment().put("KG_PRESPAWN_COUNT", "2");
        launcher.environment().put("KG_IP", "127.0.0.1");
        launcher.environment().put("KG_PORT", Integer.toString(port));
        launcher.environment().put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
        Process gateway = launcher.start();
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        try {
            await("the gateway serves its swagger spec (log: " + dir.resolve("gateway.log") + ")")
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> get(http, base + "/_api/spec/swagger.json").statusCode() == 200);
            JsonNode spec = JSON.readTree(get(http, base + "/_api/spec/swagger.json").body());
            assertTrue(spec.path("paths").has("/hello/:name"), spec.toString());

            HttpResponse<String> hello = get(http, base + "/hello/ada?x=1&x=2");
            assertEquals(200, hello.statusCode());
            assertEquals("hello ada 1,2\n", hello.body());

            HttpResponse<String> sum = http.send(HttpRequest.newBuilder(URI.create(base + "/sum"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [1, 2, 39]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, sum.statusCode(), sum.body());
            assertEquals("42\n", sum.body());
            assertEquals("yes", sum.headers().firstValue("X-Sum").orElse(""));

            assertEquals(404, get(http, base + "/nothing/here").statusCode());
            assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(base + "/hello/ada"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> boom = get(http, base + "/boom");
            assertEquals(500, boom.statusCode());
            assertTrue(boom.body().contains("ValueError") && boom.body().contains("no such thing"), boom.body());

            // Two slow requests at once are served by the two prespawned kernels: two kernel pids.
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                slow.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/slow")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<String> pids = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> r : slow) {
                HttpResponse<String> response = r.get(60, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), response.body());
                pids.add(response.body().strip());
            }
            assertEquals(2, pids.stream().distinct().count(), "served by two kernels: " + pids);
            assertEquals(200, get(http, base + "/hello/bob").statusCode(), "still serving after the error");
        } finally {
            gateway.destroy();
            if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path writeNotebook(Path file, List<String> codeCells) throws IOException {
        ObjectNode nb = JSON.createObjectNode();
        ArrayNode cells = nb.putArray("cells");
        for (String source : codeCells) {
            ObjectNode cell = cells.addObject();
            cell.put("cell_type", "code");
            cell.putObject("metadata");
            cell.putArray("outputs");
            cell.putNull("execution_count");
            cell.put("source", source);
        }
        ObjectNode spec = nb.putObject("metadata").putObject("kernelspec");
        spec.put("name", "python3");
        spec.put("display_name", "Python 3");
        spec.put("language", "python");
        nb.put("nbformat", 4);
        nb.put("nbformat_minor", 5);
        Files.writeString(file, JSON.writeValueAsString(nb));
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
