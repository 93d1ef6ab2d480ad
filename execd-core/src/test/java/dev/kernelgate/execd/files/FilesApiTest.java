package dev.kernelgate.execd.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file and directory route over HTTP, with upstream's shapes, statuses and codes. Without allowed roots
 * here; {@link RootedFilesApiTest} runs the same with the test's directory as the allowed root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilesApiTest {

    @TempDir
    static Path root;
    static Path work;
    static Path home;
    static FilesServer server;

    /** The allowed roots the server runs with. */
    List<Path> allowedRoots() {
        return List.of();
    }

    @BeforeAll
    void start() throws Exception {
        work = Files.createDirectories(root.resolve("work"));
        home = Files.createDirectories(root.resolve("home"));
        PathPolicy policy = new PathPolicy(work, Map.of("HOME", home.toString(), "SUB", "sub"), allowedRoots());
        server = new FilesServer(new FileService(policy, 0, ZoneId.systemDefault()));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static String q(Object path) {
        return URLEncoder.encode(path.toString(), StandardCharsets.UTF_8);
    }

    static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, FilesServer.json(r).path("code").asText(), r.body());
    }

    static JsonNode info(Path p) throws Exception {
        HttpResponse<String> r = server.get("/files/info?path=" + q(p));
        assertEquals(200, r.statusCode(), r.body());
        return FilesServer.json(r).get(p.toString());
    }

    @Test
    void directoriesCreateWithModesAndOwnersListByDepthAndRemove() throws Exception {
        Path d = root.resolve("dirs");
        HttpResponse<String> created = server.post("/directories", "{\"" + d.resolve("a/deep") + "\":{\"mode\":755},"
                + "\"" + d.resolve("b") + "\":{\"mode\":644},"
                + "\"" + d.resolve("c") + "\":{\"mode\":600,\"owner\":\"nobody\",\"group\":\"nogroup\"}}");
        assertEquals(200, created.statusCode(), created.body());
        assertEquals("", created.body());
        assertEquals(755, info(d.resolve("a/deep")).get("mode").asInt());
        assertEquals(644, info(d.resolve("b")).get("mode").asInt());
        JsonNode c = info(d.resolve("c"));
        assertEquals(600, c.get("mode").asInt());
        assertEquals("nobody", c.get("owner").asText());
        assertEquals("nogroup", c.get("group").asText());
        assertEquals("directory", c.get("type").asText());

        // An existing directory keeps its mode.
        assertEquals(200, server.post("/directories", "{\"" + d.resolve("b") + "\":{\"mode\":700}}").statusCode());
        assertEquals(644, info(d.resolve("b")).get("mode").asInt());

        Files.writeString(d.resolve("a/deep/f.txt"), "x");
        Files.createSymbolicLink(d.resolve("link"), d.resolve("a"));
        List<String> depth1 = paths(server.get("/directories/list?path=" + q(d)));
        assertEquals(List.of(d.resolve("a").toString(), d.resolve("b").toString(), d.resolve("c").toString(),
                d.resolve("link").toString()), depth1);
        List<String> depth3 = paths(server.get("/directories/list?path=" + q(d) + "&depth=3"));
        assertEquals(List.of(d.resolve("a").toString(), d.resolve("a/deep").toString(),
                d.resolve("a/deep/f.txt").toString(), d.resolve("b").toString(), d.resolve("c").toString(),
                d.resolve("link").toString()), depth3);
        JsonNode listed = FilesServer.json(server.get("/directories/list?path=" + q(d)));
        assertEquals("symlink", listed.get(3).get("type").asText());
        assertEquals("[]", server.get("/directories/list?path=" + q(d) + "&depth=0").body());

        assertError(server.get("/directories/list?path=" + q(d) + "&depth=-1"), 400, "INVALID_REQUEST_BODY");
        assertError(server.get("/directories/list?path=" + q(d) + "&depth=x"), 400, "INVALID_REQUEST_BODY");
        assertError(server.get("/directories/list"), 400, "MISSING_QUERY");
        assertError(server.get("/directories/list?path=" + q(d.resolve("nope"))), 404, "FILE_NOT_FOUND");
        assertError(server.get("/directories/list?path=" + q(d.resolve("link"))), 400, "INVALID_REQUEST_BODY");
        assertError(server.get("/directories/list?path=" + q(d.resolve("a/deep/f.txt"))), 400, "INVALID_REQUEST_BODY");
        assertError(server.post("/directories", "{"), 400, "INVALID_REQUEST_BODY");
        assertError(server.post("/directories", "{\"" + d.resolve("x") + "\":{\"mode\":\"755\"}}"), 400,
                "INVALID_REQUEST_BODY");
        assertError(server.post("/directories", "{\"" + d.resolve("a/deep/f.txt") + "\":{}}"), 500, "RUNTIME_ERROR");

        assertEquals(200, server.delete("/directories?path=" + q(d.resolve("a")) + "&path=" + q(d.resolve("link")))
                .statusCode());
        assertFalse(Files.exists(d.resolve("a")));
        assertFalse(Files.exists(d.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(200, server.delete("/directories?path=" + q(d.resolve("never"))).statusCode());
    }

    private static List<String> paths(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        List<String> out = new ArrayList<>();
        FilesServer.json(r).forEach(n -> out.add(n.get("path").asText()));
        return out;
    }

    @Test
    void uploadOfSeveralPairsCreatesParentsAppliesModesAndOwners() throws Exception {
        Path d = root.resolve("up");
        byte[] one = "first file\n".getBytes(StandardCharsets.UTF_8);
        byte[] two = new byte[300_000];
        for (int i = 0; i < two.length; i++) {
            two[i] = (byte) (i % 251);
        }
        // A run that looks like the start of a delimiter, inside the content.
        System.arraycopy("\r\n--not-the-boundary\r\n--".getBytes(StandardCharsets.US_ASCII), 0, two, 1000, 24);
        Multipart body = new Multipart()
                .pair(d.resolve("x/y/one.txt").toString(), "\"mode\":600,\"owner\":\"nobody\",\"group\":\"nogroup\"", one)
                .value("note", "form values are ignored")
                .pair(d.resolve("two.bin").toString(), "\"mode\":null,\"owner\":null", two)
                .end();
        HttpResponse<String> r = server.upload(body);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("", r.body());
        assertArrayEquals(one, Files.readAllBytes(d.resolve("x/y/one.txt")));
        assertArrayEquals(two, Files.readAllBytes(d.resolve("two.bin")));
        JsonNode i1 = info(d.resolve("x/y/one.txt"));
        assertEquals(600, i1.get("mode").asInt());
        assertEquals("nobody", i1.get("owner").asText());
        assertEquals("nogroup", i1.get("group").asText());
        assertEquals(one.length, i1.get("size").asLong());
        assertEquals(onlyFiles(d), List.of(d.resolve("two.bin"), d.resolve("x/y/one.txt")), "no temporary files left");

        // Overwriting keeps the mode; metadata may come with a relative path, ~ and $VAR.
        Files.setPosixFilePermissions(d.resolve("two.bin"), PosixFilePermissions.fromString("rw-r-----"));
        assertEquals(200, server.upload(new Multipart().pair(d.resolve("two.bin").toString(), null, one).end())
                .statusCode());
        assertArrayEquals(one, Files.readAllBytes(d.resolve("two.bin")));
        assertEquals(640, info(d.resolve("two.bin")).get("mode").asInt());
        assertEquals(200, server.upload(new Multipart().pair("rel/r.txt", null, one).pair("~/h.txt", null, one)
                .pair("$SUB/${SUB}.txt", null, one).end()).statusCode());
        assertTrue(Files.exists(work.resolve("rel/r.txt")));
        assertTrue(Files.exists(home.resolve("h.txt")));
        assertTrue(Files.exists(work.resolve("sub/sub.txt")));

        // A file part before its metadata is spooled, then moved into place.
        Multipart fileFirst = new Multipart().file("file", "late.bin", two)
                .metadata("{\"path\":\"" + d.resolve("late/late.bin") + "\",\"mode\":640}").end();
        assertEquals(200, server.upload(fileFirst).statusCode());
        assertArrayEquals(two, Files.readAllBytes(d.resolve("late/late.bin")));
        assertEquals(640, info(d.resolve("late/late.bin")).get("mode").asInt());
        assertEquals(List.of(d.resolve("late/late.bin")), onlyFiles(d.resolve("late")));
    }

    static List<Path> onlyFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void newFilesGetTheDefaultModeAndAnUploadOverADanglingLinkDoesNotTakeTheLinksMode() throws Exception {
        Path d = Files.createDirectories(root.resolve("modes"));
        Files.createSymbolicLink(d.resolve("dangling"), d.resolve("nowhere"));
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        assertEquals(200, server.upload(new Multipart().pair(d.resolve("dangling").toString(), null, data)
                .pair(d.resolve("fresh.txt").toString(), null, data).end()).statusCode());
        assertEquals(644, info(d.resolve("dangling")).get("mode").asInt(), "not the link's 0777");
        assertEquals("file", info(d.resolve("dangling")).get("type").asText());
        assertEquals(644, info(d.resolve("fresh.txt")).get("mode").asInt());
        assertEquals(200, server.post("/directories", "{\"" + d.resolve("new/dir") + "\":{}}").statusCode());
        assertEquals(755, info(d.resolve("new")).get("mode").asInt());
        assertEquals(755, info(d.resolve("new/dir")).get("mode").asInt());
    }

    @Test
    void linksBetweenPlacesInsideWork() throws Exception {
        Path d = Files.createDirectories(root.resolve("linked/real"));
        Files.writeString(d.resolve("f.txt"), "hello decoy\n");
        Path dirLink = Files.createSymbolicLink(root.resolve("linked/dirlink"), Path.of("real"));
        Path fileLink = Files.createSymbolicLink(root.resolve("linked/filelink"), Path.of("dirlink/../real/f.txt"));
        assertEquals("hello decoy\n", server.get("/files/download?path=" + q(fileLink)).body());
        assertEquals("hello decoy\n", server.get("/files/download?path=" + q(dirLink.resolve("f.txt"))).body());
        assertEquals("{\"" + fileLink + "\":{\"replacedCount\":1}}", server.post("/files/replace?verbose=true",
                "{\"" + fileLink + "\":{\"old\":\"decoy\",\"new\":\"there\"}}").body());
        assertEquals("hello there\n", Files.readString(d.resolve("f.txt")));
        assertEquals("file", info(dirLink.resolve("f.txt")).get("type").asText());
        assertEquals("symlink", info(fileLink).get("type").asText());
        // Search walks as upstream's filepath.Walk: a link is listed, never descended into, the root included.
        assertEquals(List.of(), paths(server.get("/files/search?path=" + q(dirLink) + "&pattern=*.txt")));
        assertEquals(List.of(d.resolve("f.txt").toString()),
                paths(server.get("/files/search?path=" + q(dirLink.getParent()) + "&pattern=*.txt")));
        assertEquals(200, server.post("/files/permissions", "{\"" + fileLink + "\":{\"mode\":600}}").statusCode());
        assertEquals(600, info(d.resolve("f.txt")).get("mode").asInt());
        assertEquals(200, server.post("/directories", "{\"" + dirLink.resolve("sub") + "\":{\"mode\":700}}")
                .statusCode());
        assertEquals(700, info(d.resolve("sub")).get("mode").asInt());
        assertEquals(200, server.post("/files/mv", "[{\"src\":\"" + dirLink.resolve("f.txt") + "\",\"dest\":\""
                + dirLink.resolve("sub/g.txt") + "\"}]").statusCode());
        assertEquals("hello there\n", Files.readString(d.resolve("sub/g.txt")));
        assertEquals(List.of(dirLink.resolve("sub/g.txt").toString()),
                paths(server.get("/directories/list?path=" + q(dirLink.resolve("sub")))));
        assertEquals(200, server.delete("/files?path=" + q(dirLink.resolve("sub/g.txt"))).statusCode());
        assertFalse(Files.exists(d.resolve("sub/g.txt")));
        assertEquals(200, server.delete("/directories?path=" + q(dirLink.resolve("sub"))).statusCode());
        assertFalse(Files.exists(d.resolve("sub")));
        assertTrue(Files.isSymbolicLink(dirLink));
    }

    @Test
    void badUploadsAreRefusedWithUpstreamCodesAndLeaveNoFileBehind() throws Exception {
        Path d = root.resolve("bad");
        Files.createDirectories(d);
        byte[] data = new byte[100_000];
        Path target = d.resolve("new/dir/a.bin");

        assertError(server.upload(new Multipart().pair(target.toString(), null, data)
                .metadata("{\"path\":\"" + d.resolve("b.bin") + "\"}").end()), 400, "INVALID_FILE");
        assertError(server.upload(new Multipart().value("metadata", "{\"path\":\"" + target + "\"}")
                .file("file", "a.bin", data).end()), 400, "INVALID_FILE_METADATA");
        assertError(server.upload(new Multipart().metadata("{\"path\":\"" + target + "\"}").end()), 400,
                "INVALID_FILE_CONTENT");
        assertError(server.upload(new Multipart().metadata("{\"path\":").file("file", "a", data).end()), 400,
                "INVALID_FILE_METADATA");
        assertError(server.upload(new Multipart().metadata("{\"path\":\"\"}").file("file", "a", data).end()), 400,
                "INVALID_FILE_METADATA");
        assertError(server.upload(new Multipart().metadata("{\"path\":\"" + target + "\",\"mode\":\"x\"}")
                .file("file", "a", data).end()), 400, "INVALID_FILE_METADATA");
        assertError(server.upload(new Multipart().pair(target.toString(), "\"owner\":\"no-such-user-kg\"", data)
                .end()), 500, "RUNTIME_ERROR");
        assertError(server.upload(new Multipart().pair("$NOT_DEFINED_KG/a", null, data).end()), 500,
                "RUNTIME_ERROR");
        assertError(server.send(server.request("/files/upload").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 400, "INVALID_FILE");
        // Truncated multipart (no closing delimiter).
        byte[] truncated = new Multipart().pair(target.toString(), null, data).bytes();
        HttpResponse<String> r = server.send(server.request("/files/upload")
                .header("Content-Type", new Multipart("x").contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(truncated)).build());
        assertEquals(400, r.statusCode(), r.body());
        // A good first pair and a bad second one: neither is written.
        assertError(server.upload(new Multipart().pair(target.toString(), null, data)
                .pair(d.resolve("other.bin").toString(), "\"mode\":999", data).end()), 500, "RUNTIME_ERROR");
        assertError(server.upload(new Multipart().pair(target.toString(), null, data)
                .metadata("{\"path\":\"" + d.resolve("c.bin") + "\"}").value("file", "not a file part").end()),
                400, "INVALID_FILE");

        assertEquals(List.of(), onlyFiles(d), "no partial or temporary file");
        assertFalse(Files.exists(d.resolve("new")), "directories created for a failed upload are removed");
    }

    @Test
    void aClientThatLeavesMidUploadLeavesNoPartialFile() throws Exception {
        Path d = Files.createDirectories(root.resolve("gone"));
        Multipart m = new Multipart();
        byte[] head = m.pair(d.resolve("big.bin").toString(), null, new byte[0]).bytes();
        byte[] partial = java.util.Arrays.copyOf(head, head.length - 2); // drop the CRLF after the (empty) content
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            String headers = "POST /files/upload HTTP/1.1\r\nHost: x\r\nContent-Type: " + m.contentType()
                    + "\r\nContent-Length: 10000000\r\n\r\n";
            s.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(partial);
            s.getOutputStream().write(new byte[500_000]);
            s.getOutputStream().flush();
            org.awaitility.Awaitility.await().ignoreExceptions().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> !onlyFiles(d).isEmpty()); // the temporary file is being written
        }
        org.awaitility.Awaitility.await().ignoreExceptions().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> onlyFiles(d).isEmpty());
        assertFalse(Files.exists(d.resolve("big.bin")));
    }

    @Test
    void downloadWholeRangeLinesAndErrors() throws Exception {
        Path d = Files.createDirectories(root.resolve("down"));
        Path f = d.resolve("data.txt");
        Files.writeString(f, "0123456789abcdefghij");
        HttpResponse<String> whole = server.get("/files/download?path=" + q(f));
        assertEquals(200, whole.statusCode());
        assertEquals("0123456789abcdefghij", whole.body());
        assertEquals("application/octet-stream", whole.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("attachment; filename=\"data.txt\"",
                whole.headers().firstValue("Content-Disposition").orElseThrow());
        assertEquals("20", whole.headers().firstValue("Content-Length").orElseThrow());

        HttpResponse<String> range = server.send(server.request("/files/download?path=" + q(f))
                .header("Range", "bytes=0-9").build());
        assertEquals(206, range.statusCode());
        assertEquals("0123456789", range.body());
        assertEquals("bytes 0-9/20", range.headers().firstValue("Content-Range").orElseThrow());
        assertEquals("hij", server.send(server.request("/files/download?path=" + q(f)).header("Range", "bytes=-3")
                .build()).body());
        HttpResponse<String> multi = server.send(server.request("/files/download?path=" + q(f))
                .header("Range", "bytes=2-3, 7-8").build());
        assertEquals(206, multi.statusCode());
        assertEquals("23", multi.body());
        assertEquals("bytes 2-3/20", multi.headers().firstValue("Content-Range").orElseThrow());

        HttpResponse<String> bad = server.send(server.request("/files/download?path=" + q(f))
                .header("Range", "bytes=x-y").build());
        assertEquals(416, bad.statusCode());
        assertEquals("{\"code\":\"UNKNOWN\"}", bad.body());
        assertEquals(416, server.send(server.request("/files/download?path=" + q(f)).header("Range", "items=0-1")
                .build()).statusCode());
        HttpResponse<String> past = server.send(server.request("/files/download?path=" + q(f))
                .header("Range", "bytes=50-60").build());
        assertEquals(416, past.statusCode());
        assertEquals("bytes */20", past.headers().firstValue("Content-Range").orElseThrow());

        Path crs = d.resolve("crs.txt");
        Files.writeString(crs, "a\rb\r\r\n\n\r\nlast\r");
        assertEquals("a\rb\n\n\nlast", server.get("/files/download?path=" + q(crs) + "&offset=1").body());
        Path lines = d.resolve("lines.txt");
        Files.writeString(lines, "line1\nline2\r\nline3\nline4\nline5");
        HttpResponse<String> two = server.get("/files/download?path=" + q(lines) + "&offset=2&limit=2");
        assertEquals(200, two.statusCode());
        assertEquals("line2\nline3", two.body());
        assertEquals("text/plain; charset=utf-8", two.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("line4\nline5", server.get("/files/download?path=" + q(lines) + "&offset=4").body());
        assertEquals("line1", server.get("/files/download?path=" + q(lines) + "&limit=1").body());
        assertEquals("", server.get("/files/download?path=" + q(lines) + "&offset=9").body());
        assertError(server.send(server.request("/files/download?path=" + q(lines) + "&offset=2")
                .header("Range", "bytes=0-1").build()), 400, "INVALID_REQUEST_BODY");
        assertError(server.get("/files/download?path=" + q(lines) + "&offset=0"), 400, "INVALID_REQUEST_BODY");
        assertError(server.get("/files/download?path=" + q(lines) + "&limit=x"), 400, "INVALID_REQUEST_BODY");

        assertError(server.get("/files/download"), 400, "MISSING_QUERY");
        assertError(server.get("/files/download?path=" + q(d.resolve("none"))), 404, "FILE_NOT_FOUND");
        assertError(server.get("/files/download?path=" + q(d)), 500, "RUNTIME_ERROR");

        Path unicode = d.resolve("résumé 1.txt");
        Files.writeString(unicode, "é");
        assertEquals("attachment; filename=\"r%C3%A9sum%C3%A9%201.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.txt",
                server.get("/files/download?path=" + q(unicode)).headers().firstValue("Content-Disposition")
                        .orElseThrow());
    }

    @Test
    void infoIsLstatKeyedByTheRequestedPaths() throws Exception {
        Path d = Files.createDirectories(root.resolve("info"));
        Path f = d.resolve("f.txt");
        Files.writeString(f, "hello");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(d.resolve("l"), f);
        Files.createDirectories(work.resolve("w"));
        HttpResponse<String> r = server.get("/files/info?path=" + q(f) + "&path=" + q(d.resolve("l")) + "&path=w");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = FilesServer.json(r);
        JsonNode fi = body.get(f.toString());
        assertEquals(List.of("path", "type", "size", "modified_at", "created_at", "owner", "group", "mode"),
                fieldNames(fi));
        assertEquals(f.toString(), fi.get("path").asText());
        assertEquals("file", fi.get("type").asText());
        assertEquals(5, fi.get("size").asLong());
        assertEquals(644, fi.get("mode").asInt());
        assertEquals("root", fi.get("owner").asText());
        OffsetDateTime.parse(fi.get("modified_at").asText());
        OffsetDateTime.parse(fi.get("created_at").asText());
        assertEquals("symlink", body.get(d.resolve("l").toString()).get("type").asText());
        assertEquals(work.resolve("w").toString(), body.get("w").get("path").asText());
        assertEquals("{}", server.get("/files/info").body());
        assertError(server.get("/files/info?path=" + q(d.resolve("missing"))), 404, "FILE_NOT_FOUND");
        HttpResponse<String> undefined = server.get("/files/info?path=" + q("$NOPE_KG/x"));
        assertError(undefined, 500, "RUNTIME_ERROR");
        assertTrue(undefined.body().contains("NOPE_KG"), undefined.body());
        assertEquals(home.toString(), FilesServer.json(server.get("/files/info?path=" + q("~"))).get("~")
                .get("path").asText());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void searchMatchesBaseNamesRecursively() throws Exception {
        Path d = Files.createDirectories(root.resolve("search"));
        Files.createDirectories(d.resolve("sub/deeper"));
        for (String name : List.of("a.txt", "b.log", "sub/c.txt", "sub/deeper/d.txt", "sub/deeper/e.md")) {
            Files.writeString(d.resolve(name), name);
        }
        Files.createDirectories(d.resolve("dir.txt"));
        assertEquals(List.of(d.resolve("a.txt").toString(), d.resolve("sub/c.txt").toString(),
                d.resolve("sub/deeper/d.txt").toString()), paths(server.get("/files/search?path=" + q(d)
                + "&pattern=" + q("*.txt"))));
        assertEquals(5, paths(server.get("/files/search?path=" + q(d))).size());
        assertEquals(List.of(d.resolve("b.log").toString(), d.resolve("sub/deeper/e.md").toString()),
                paths(server.get("/files/search?path=" + q(d) + "&pattern=" + q("*.{log,md}"))));
        assertEquals(List.of(d.resolve("sub/deeper/d.txt").toString()),
                paths(server.get("/files/search?path=" + q(d) + "&pattern=" + q("[d-z]?txt"))));
        assertError(server.get("/files/search"), 400, "MISSING_QUERY");
        assertError(server.get("/files/search?path=" + q(d.resolve("none"))), 404, "FILE_NOT_FOUND");
        assertError(server.get("/files/search?path=" + q(d) + "&pattern=" + q("[")), 500, "RUNTIME_ERROR");
    }

    @Test
    void replaceCountsAndMoveAndPermissionsAndDelete() throws Exception {
        Path d = Files.createDirectories(root.resolve("edit"));
        Path a = d.resolve("a.txt");
        Path b = d.resolve("b.txt");
        Files.writeString(a, "hello world");
        Files.writeString(b, "aaa bbb aaa aaa");
        Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rw-------"));
        HttpResponse<String> verbose = server.post("/files/replace?verbose=true",
                "{\"" + a + "\":{\"old\":\"world\",\"new\":\"there\"},\"" + b + "\":{\"old\":\"aaa\",\"new\":\"c\"}}");
        assertEquals(200, verbose.statusCode(), verbose.body());
        assertEquals(1, FilesServer.json(verbose).get(a.toString()).get("replacedCount").asInt());
        assertEquals(3, FilesServer.json(verbose).get(b.toString()).get("replacedCount").asInt());
        assertEquals("hello there", Files.readString(a));
        assertEquals("c bbb c c", Files.readString(b));
        assertEquals(600, info(b).get("mode").asInt());
        HttpResponse<String> none = server.post("/files/replace?verbose=true", "{\"" + a + "\":{\"old\":\"zzz\"}}");
        assertEquals(0, FilesServer.json(none).get(a.toString()).get("replacedCount").asInt());
        HttpResponse<String> quiet = server.post("/files/replace", "{\"" + a + "\":{\"old\":\"there\",\"new\":\"x\"}}");
        assertEquals(200, quiet.statusCode());
        assertEquals("", quiet.body());
        assertError(server.post("/files/replace", "{\"" + a + "\":{\"old\":\"\"}}"), 400, "INVALID_REQUEST_BODY");
        assertError(server.post("/files/replace", "{\"" + d.resolve("no") + "\":{\"old\":\"x\"}}"), 404,
                "FILE_NOT_FOUND");
        assertError(server.post("/files/replace", "[1]"), 400, "INVALID_REQUEST_BODY");

        Path moved = d.resolve("new/parent/a.txt");
        assertEquals(200, server.post("/files/mv", "[{\"src\":\"" + a + "\",\"dest\":\"" + moved + "\"}]").statusCode());
        assertTrue(Files.exists(moved));
        assertFalse(Files.exists(a));
        assertError(server.post("/files/mv", "[{\"src\":\"" + b + "\",\"dest\":\"" + moved + "\"}]"), 500,
                "RUNTIME_ERROR");
        assertError(server.post("/files/mv", "[{\"src\":\"" + a + "\",\"dest\":\"" + d.resolve("z") + "\"}]"), 404,
                "FILE_NOT_FOUND");
        assertError(server.post("/files/mv", "{}"), 400, "INVALID_REQUEST_BODY");

        assertEquals(200, server.post("/files/permissions", "{\"" + b + "\":{\"mode\":755,\"owner\":\"nobody\","
                + "\"group\":\"nogroup\"}}").statusCode());
        JsonNode bi = info(b);
        assertEquals(755, bi.get("mode").asInt());
        assertEquals("nobody", bi.get("owner").asText());
        assertEquals(200, server.post("/files/permissions", "{\"" + b + "\":{\"mode\":0}}").statusCode());
        assertEquals(755, info(b).get("mode").asInt());
        assertError(server.post("/files/permissions", "{\"" + b + "\":{\"owner\":\"no-such-user-kg\"}}"), 500,
                "RUNTIME_ERROR");
        assertError(server.post("/files/permissions", "{\"" + b + "\":{\"mode\":789}}"), 500, "RUNTIME_ERROR");
        assertError(server.post("/files/permissions", "not json"), 400, "INVALID_REQUEST_BODY");

        assertEquals(200, server.delete("/files?path=" + q(b) + "&path=" + q(d.resolve("absent"))).statusCode());
        assertFalse(Files.exists(b));
        assertError(server.delete("/files?path=" + q(d.resolve("new"))), 500, "RUNTIME_ERROR");
    }
}
