package dev.kernelgate.gateway.notebookhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
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

/** The same scenarios on an R notebook (IRkernel, kernelspec {@code ir}), two kernels in the pool. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookHttpRTest {
    private NotebookGateway gw;

    @BeforeAll
    void start(@TempDir Path dir) {
        gw = NotebookGateway.start(dir, "r_api.ipynb", "--KernelGatewayApp.prespawn_count=2");
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    @Test
    void pathParametersAndQueryArguments() throws Exception {
        HttpResponse<String> r = gw.get("/greet/ada");
        assertEquals(200, r.statusCode());
        assertEquals("hi ada\n", r.body());
        assertEquals("ada, bob\n", gw.get("/query?name=ada&name=bob").body());
    }

    @Test
    void bodiesOfEachContentType() throws Exception {
        assertEquals("6\n", gw.send("POST", "/sum", "application/json", "{\"values\": [1, 2, 3]}").body());
        assertEquals("x|y y|\n", gw.send("POST", "/form", "application/x-www-form-urlencoded", "a=x&b=y+y").body());
        assertEquals("SHOUT\n", gw.send("POST", "/text", "text/plain", "shout").body());
    }

    @Test
    void kernelsKeepTheirOwnStateAndServeInTurn() throws Exception {
        assertEquals(200, gw.send("PUT", "/greeting", "text/plain", "hello").statusCode());
        assertEquals("hi\n", gw.get("/greeting").body());
        assertEquals("hello\n", gw.get("/greeting").body());
        for (int kernel = 0; kernel < 2; kernel++) {
            assertEquals(200, gw.send("PUT", "/greeting", "text/plain", "hi").statusCode());
        }
    }

    @Test
    void concurrentRequestsEachSeeTheirOwnRequest() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(gw.sendAsync(gw.request("/slow-echo?id=r" + i).GET()));
        }
        for (int i = 0; i < calls.size(); i++) {
            HttpResponse<String> r = calls.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("r" + i + "\n", r.body());
        }
    }

    @Test
    void anErrorIs500AndTheServerKeepsServing() throws Exception {
        HttpResponse<String> r = gw.get("/boom");
        assertEquals(500, r.statusCode());
        assertTrue(r.body().startsWith("Error "), r.body());
        assertTrue(r.body().contains("no such thing"), r.body());
        assertEquals("hi ada\n", gw.get("/greet/ada").body());
    }

    @Test
    void responseInfoSetsStatusAndHeaders() throws Exception {
        HttpResponse<String> r = gw.get("/created");
        assertEquals(201, r.statusCode());
        assertEquals("{\"id\":7}", r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("R", r.headers().firstValue("X-Made-By").orElse(""));
    }

    @Test
    void unknownPathsAndVerbs() throws Exception {
        assertEquals(404, gw.get("/nope").statusCode());
        assertEquals(405, gw.send("DELETE", "/greeting", null, "").statusCode());
    }
}
