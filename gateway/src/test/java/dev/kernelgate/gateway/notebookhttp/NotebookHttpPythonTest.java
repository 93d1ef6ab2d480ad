package dev.kernelgate.gateway.notebookhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * upstream's notebook-http scenarios on a python3 notebook served by one kernel: endpoints with path parameters,
 * query arguments, bodies of each content type, headers, ResponseInfo, errors, 404 and 405, the swagger spec.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookHttpPythonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NotebookGateway gw;

    @BeforeAll
    void start(@TempDir Path dir) {
        gw = NotebookGateway.start(dir, "echo_api.ipynb");
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    @Test
    void getEndpointsAnswerTheCellsStdout() throws Exception {
        HttpResponse<String> r = gw.get("/greet");
        assertEquals(200, r.statusCode());
        assertEquals("hi all\n", r.body());
        assertEquals("text/plain", r.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void pathParametersAreDecodedAndStaticPathsWin() throws Exception {
        assertEquals("hi ada\n", gw.get("/greet/ada").body());
        assertEquals("hello to everyone\n", gw.get("/greet/everyone").body());
        assertEquals("ada ada ada\n", gw.get("/greet/ada/3").body());
        assertEquals("hi J\u00fcrgen M\n", gw.get("/greet/J%C3%BCrgen%20M").body());
    }

    @Test
    void queryArgumentsArriveAsLists() throws Exception {
        assertEquals("ada, bob\n", gw.get("/query?name=ada&name=bob").body());
        assertEquals("\n", gw.get("/query").body());
        assertEquals("a b, \n", gw.get("/query?name=a+b&name=").body());
    }

    @Test
    void stateSurvivesBetweenRequestsOnTheKernel() throws Exception {
        assertEquals(200, gw.send("PUT", "/greeting", null, "gr\u00fc\u00df {}").statusCode());
        assertEquals("gr\u00fc\u00df {}\n", gw.get("/greeting").body());
        assertEquals(200, gw.send("PUT", "/greeting", null, "hi {}").statusCode());
    }

    @Test
    void jsonBodiesArriveParsed() throws Exception {
        String people = "[\"Rick\", \"Maggie\", \"Glenn\", \"Carol\"]\n";
        HttpResponse<String> r = gw.send("POST", "/names", "application/json", people);
        assertEquals(200, r.statusCode());
        assertEquals(people, r.body());
        assertEquals("[\"Rick\", \"Glenn\", \"Carol\"]\n", gw.send("DELETE", "/names/1", null, "").body());
        assertEquals("{\"a\": 1, \"b\": [true, null]}\n",
                gw.send("POST", "/echo", "application/json", "{\"b\":[true,null],\"a\":1}").body());
        // Not JSON after all: the text, as upstream.
        assertEquals("\"{not json\"\n", gw.send("POST", "/echo", "application/json", "{not json").body());
        // Upstream compares the whole Content-Type: with a charset the body is text.
        assertEquals("\"[1]\"\n", gw.send("POST", "/echo", "application/json; charset=utf-8", "[1]").body());
    }

    @Test
    void formBodiesArriveAsFieldLists() throws Exception {
        assertEquals("{\"a\": [\"1\", \"2\"], \"b\": [\"x y\"], \"c\": [\"\"]}\n",
                gw.send("POST", "/echo", "application/x-www-form-urlencoded", "a=1&b=x+y&a=2&c=").body());
        String boundary = "XyZzY";
        String multipart = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"field\"\r\n\r\n"
                + "value one\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n"
                + "file content\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"field\"\r\n\r\n"
                + "value two\r\n"
                + "--" + boundary + "--\r\n";
        assertEquals("{\"field\": [\"value one\", \"value two\"]}\n",
                gw.send("POST", "/echo", "multipart/form-data; boundary=" + boundary, multipart).body());
    }

    @Test
    void otherBodiesArriveAsText() throws Exception {
        assertEquals("\"plain words\"\n", gw.send("POST", "/echo", "text/plain", "plain words").body());
        assertEquals("\"<a/>\"\n", gw.send("POST", "/echo", "application/atom+xml", "<a/>").body());
        assertEquals("\"no type\"\n", gw.send("POST", "/echo", null, "no type").body());
    }

    @Test
    void theRequestVariableHasUpstreamsShape() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/request?x=1").header("X-Thing", "t").GET());
        assertTrue(r.body().startsWith("{\"body\": \"\", \"args\": {\"x\": [\"1\"]}, \"path\": {}, \"headers\": {"),
                r.body());
        JsonNode request = JSON.readTree(r.body());
        assertEquals("t", request.path("headers").path("X-Thing").asText());
        assertTrue(request.path("headers").has("Host"), r.body());
    }

    @Test
    void headersReachTheCellQuotesAndRepeatsIncluded() throws Exception {
        String etag = "\"\"9a28a9262f954494a8de7442c63d6d0715ce0998\"\"";
        assertEquals(JSON.writeValueAsString(etag) + "\n", gw.send(gw.request("/header").header("x-thing", etag)
                .GET()).body());
        assertEquals("[\"a\", \"b\"]\n", gw.send(gw.request("/header").header("X-Thing", "a")
                .header("X-Thing", "b").GET()).body());
        assertEquals("null\n", gw.get("/header").body());
    }

    @Test
    void aRaisingCellIs500WithTheErrorAndTheServerKeepsServing() throws Exception {
        HttpResponse<String> r = gw.get("/boom");
        assertEquals(500, r.statusCode());
        assertEquals("Error ValueError: no such thing \n", r.body());
        assertEquals("hi all\n", gw.get("/greet").body());
    }

    @Test
    void stderrIsLeftOut() throws Exception {
        assertEquals("to stdout\n", gw.get("/stderr").body());
    }

    @Test
    void withoutStdoutTheExecuteResultIsTheBody() throws Exception {
        assertEquals("{\"text/plain\": \"42\"}", gw.get("/result").body());
    }

    @Test
    void cellsOfOneEndpointRunTogether() throws Exception {
        assertEquals("one two\n", gw.get("/twice").body());
    }

    @Test
    void kernelsKnowTheyServeAGateway() throws Exception {
        assertEquals("KERNEL_GATEWAY=1\n", gw.get("/env").body());
    }

    @Test
    void responseInfoSetsStatusAndHeaders() throws Exception {
        HttpResponse<String> r = gw.send("POST", "/created", null, "");
        assertEquals(201, r.statusCode());
        assertEquals("{\"id\": 7}\n", r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(1, r.headers().allValues("Content-Type").size());
        assertEquals("/created/7", r.headers().firstValue("Location").orElse(""));
        assertEquals("1234567890", r.headers().firstValue("ETag").orElse(""));

        HttpResponse<String> empty = gw.get("/nothing");
        assertEquals(204, empty.statusCode());
        assertEquals("", empty.body());
    }

    @Test
    void aResponseInfoCellThatPrintsNoJsonIs500() throws Exception {
        HttpResponse<String> r = gw.get("/bad-info");
        assertEquals(500, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.path("message").asText().contains("ResponseInfo"), r.body());
        assertEquals("hi all\n", gw.get("/greet").body());
    }

    @Test
    void unknownPathsAre404AndUnannotatedVerbs405() throws Exception {
        HttpResponse<String> missing = gw.get("/not/an/endpoint");
        assertEquals(404, missing.statusCode());
        assertEquals("Not Found", JSON.readTree(missing.body()).path("reason").asText());
        assertEquals(404, gw.get("/api/kernels").statusCode(), "the websocket personality's API is not served");
        assertEquals(404, gw.get("/_api/source").statusCode(), "download is off by default");
        assertEquals(404, gw.get("/public/index.html").statusCode(), "no static path by default");

        HttpResponse<String> delete = gw.send("DELETE", "/greeting", null, "");
        assertEquals(405, delete.statusCode());
        assertEquals("", delete.body());
        assertEquals(405, gw.send("PATCH", "/greet", null, "").statusCode());
        assertEquals("hi all\n", gw.get("/greet").body());
    }

    @Test
    void theSwaggerSpecListsTheAnnotatedEndpoints() throws Exception {
        HttpResponse<String> r = gw.get("/_api/spec/swagger.json");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode spec = JSON.readTree(r.body());
        assertEquals("2.0", spec.path("swagger").asText());
        assertEquals("0.0.0", spec.path("info").path("version").asText());
        assertEquals("echo_api", spec.path("info").path("title").asText());
        assertEquals("Success", spec.path("paths").path("/greet/:who").path("get").path("responses").path("200")
                .path("description").asText());
        assertTrue(spec.path("paths").path("/names").has("get"));
        assertTrue(spec.path("paths").path("/names").has("post"));
        assertFalse(spec.path("paths").path("/greeting").has("delete"));
        assertEquals(1, spec.path("paths").path("/created").size(), "ResponseInfo cells are not endpoints");
    }
}
