package dev.kernelgate.gateway.notebookhttp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three seeded python3 kernels ({@code prespawn_count=3}) serving in turn, under a base URL and a token, with the
 * notebook download and the static files on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookHttpPoolTest {
    private static final String TOKEN = "s3cret";

    private NotebookGateway gw;

    @BeforeAll
    void start(@TempDir Path dir) {
        gw = NotebookGateway.startBehind(dir, "/svc", TOKEN, "echo_api.ipynb", "--KernelGatewayApp.prespawn_count=3",
                "--NotebookHTTPPersonality.allow_notebook_download=True",
                "--NotebookHTTPPersonality.static_path=" + NotebookGateway.notebook("public"));
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    @Test
    void requestsTakeTheKernelsInTurn() throws Exception {
        assertEquals(200, gw.send("PUT", "/greeting", "text/plain", "hola {}").statusCode());
        // The kernel that took the PUT went to the back of the line: the other two still greet the old way.
        assertEquals("hi {}\n", gw.get("/greeting").body());
        assertEquals("hi {}\n", gw.get("/greeting").body());
        assertEquals("hola {}\n", gw.get("/greeting").body());
        for (int kernel = 0; kernel < 3; kernel++) { // one PUT per kernel, in turn: every kernel greets again
            assertEquals(200, gw.send("PUT", "/greeting", "text/plain", "hi {}").statusCode());
        }
    }

    @Test
    void threeRequestsRunAtOnceOnThreeKernels(@TempDir Path meeting) throws Exception {
        // Each request waits (up to 30 s) until three kernels have arrived: only concurrent requests all see three.
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(gw.sendAsync(gw.request("/rendezvous?n=3&dir=" + meeting).GET()));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> r = call.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("3\n", r.body());
        }
        try (var files = Files.list(meeting)) {
            assertEquals(3, files.count(), "three different kernel processes");
        }
    }

    @Test
    void moreRequestsThanKernelsQueueAndEachGetsItsOwnRequest() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(gw.sendAsync(gw.request("/slow-echo?id=" + i).GET()));
        }
        for (int i = 0; i < calls.size(); i++) {
            HttpResponse<String> r = calls.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals(i + "\n", r.body(), "a request never sees another's REQUEST");
        }
    }

    @Test
    void everythingLivesUnderTheBaseUrlAndNeedsTheToken() throws Exception {
        assertEquals("hi all\n", gw.get("/greet").body());
        HttpResponse<String> rootless = gw.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + gw.running().port() + "/greet")).header("Authorization", "token " + TOKEN));
        assertEquals(404, rootless.statusCode());
        HttpResponse<String> anonymous = gw.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + gw.running().port() + "/svc/greet")));
        assertEquals(401, anonymous.statusCode());
        assertEquals(200, gw.get("/_api/spec/swagger.json").statusCode());
    }

    @Test
    void theNotebookCanBeDownloaded() throws Exception {
        HttpResponse<byte[]> r = gw.bytes(gw.request("/_api/source").GET());
        assertEquals(200, r.statusCode());
        assertArrayEquals(Files.readAllBytes(NotebookGateway.notebook("echo_api.ipynb")), r.body());
    }

    @Test
    void staticFilesAreServedUnderPublic() throws Exception {
        HttpResponse<String> page = gw.get("/public/index.html");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("static page"));
        assertEquals(404, gw.get("/public/missing.html").statusCode());
        assertEquals(404, gw.get("/public/../echo_api.ipynb").statusCode());
        assertEquals(404, gw.get("/public/%2e%2e/echo_api.ipynb").statusCode());
    }
}
