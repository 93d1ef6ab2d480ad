package dev.kernelgate.execd.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.execd.ExecdConfig;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional policy: allowed roots and an upload limit, refused with 403 and FS_002 on every file route. */
class PolicyTest {

    @TempDir
    static Path root;
    static Path allowed;
    static Path outside;
    static FilesServer server;

    @BeforeAll
    static void start() throws Exception {
        allowed = Files.createDirectories(root.resolve("allowed"));
        outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(allowed.resolve("ok.txt"), "ok");
        Files.createSymbolicLink(allowed.resolve("escape"), outside);
        Files.createSymbolicLink(allowed.resolve("secret-link"), outside.resolve("secret.txt"));
        ExecdConfig config = new ExecdConfig("127.0.0.1", 0, "", null, null, Duration.ZERO, List.of(allowed), 1000,
                allowed, root.resolve("out"));
        server = new FilesServer(new FileService(config));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String q(Object p) {
        return URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
    }

    static void assertRefused(HttpResponse<String> r) throws Exception {
        assertEquals(403, r.statusCode(), r.body());
        assertEquals("RUNTIME_ERROR", FilesServer.json(r).get("code").asText());
        assertTrue(FilesServer.json(r).get("message").asText().startsWith("FS_002: "), r.body());
    }

    @Test
    void pathsInsideTheRootsWork() throws Exception {
        assertEquals(200, server.get("/files/info?path=" + q(allowed.resolve("ok.txt"))).statusCode());
        assertEquals(200, server.get("/files/info?path=ok.txt").statusCode()); // relative to the work dir
        assertEquals("ok", server.get("/files/download?path=" + q(allowed.resolve("ok.txt"))).body());
        // The link itself is inside (lstat), even though it points outside.
        assertEquals(200, server.get("/files/info?path=" + q(allowed.resolve("secret-link"))).statusCode());
        assertEquals(200, server.upload(new Multipart().pair(allowed.resolve("new/u.txt").toString(), null,
                "small".getBytes(StandardCharsets.UTF_8)).end()).statusCode());
    }

    @Test
    void everyRouteRefusesPathsOutside() throws Exception {
        Path secret = outside.resolve("secret.txt");
        assertRefused(server.get("/files/info?path=" + q(secret)));
        assertRefused(server.get("/files/info?path=" + q(allowed.resolve("../outside/secret.txt"))));
        assertRefused(server.delete("/files?path=" + q(secret)));
        assertRefused(server.post("/files/mv", "[{\"src\":\"" + allowed.resolve("ok.txt") + "\",\"dest\":\""
                + outside.resolve("moved.txt") + "\"}]"));
        assertRefused(server.post("/files/permissions", "{\"" + secret + "\":{\"mode\":777}}"));
        assertRefused(server.get("/files/search?path=" + q(outside)));
        assertRefused(server.post("/files/replace", "{\"" + secret + "\":{\"old\":\"s\",\"new\":\"x\"}}"));
        assertRefused(server.get("/files/download?path=" + q(secret)));
        assertRefused(server.get("/directories/list?path=" + q(outside)));
        assertRefused(server.post("/directories", "{\"" + outside.resolve("d") + "\":{}}"));
        assertRefused(server.delete("/directories?path=" + q(outside)));
        assertRefused(server.upload(new Multipart().pair(outside.resolve("u.txt").toString(), null,
                "x".getBytes(StandardCharsets.UTF_8)).end()));
        assertEquals("secret", Files.readString(secret));
        assertFalse(Files.exists(outside.resolve("u.txt")));
        assertTrue(Files.exists(outside));
    }

    @Test
    void symlinksDoNotLeadOutside() throws Exception {
        assertRefused(server.get("/files/download?path=" + q(allowed.resolve("secret-link"))));
        assertRefused(server.get("/files/info?path=" + q(allowed.resolve("escape/secret.txt"))));
        assertRefused(server.upload(new Multipart().pair(allowed.resolve("escape/x.txt").toString(), null,
                "x".getBytes(StandardCharsets.UTF_8)).end()));
        assertFalse(Files.exists(outside.resolve("x.txt")));
    }

    @Test
    void linksThatClimbOutAreRefusedWhereverTheyAre() throws Exception {
        Files.createSymbolicLink(allowed.resolve("up"), Path.of(".."));
        assertRefused(server.get("/files/download?path=" + q(allowed.resolve("up/outside/secret.txt"))));
        assertRefused(server.post("/directories", "{\"" + allowed.resolve("up/made") + "\":{}}"));
        assertRefused(server.post("/files/mv", "[{\"src\":\"" + allowed.resolve("up/outside/secret.txt")
                + "\",\"dest\":\"" + allowed.resolve("got.txt") + "\"}]"));
        assertFalse(Files.exists(root.resolve("made")));
        assertEquals("secret", Files.readString(outside.resolve("secret.txt")));
    }

    @Test
    void anUploadReplacesALinkRatherThanWritingThroughIt() throws Exception {
        Files.writeString(allowed.resolve("target.txt"), "kept");
        Path link = Files.createSymbolicLink(allowed.resolve("to-target"), Path.of("target.txt"));
        assertEquals(200, server.upload(new Multipart().pair(link.toString(), null,
                "new".getBytes(StandardCharsets.UTF_8)).end()).statusCode());
        assertFalse(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(link));
        assertEquals("kept", Files.readString(allowed.resolve("target.txt")));
    }

    @Test
    void directoriesAreMadeThroughHandlesWithoutLeavingStagingNames() throws Exception {
        assertEquals(200, server.post("/directories", "{\"" + allowed.resolve("m1/m2") + "\":{\"mode\":700}}")
                .statusCode());
        assertTrue(Files.isDirectory(allowed.resolve("m1/m2")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(allowed.resolve("m1/m2"))));
        try (var files = Files.list(allowed)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".execd-mkdir-")));
        }
    }

    @Test
    void uploadsOverTheLimitAreRefused() throws Exception {
        HttpResponse<String> big = server.upload(new Multipart().pair(allowed.resolve("big.bin").toString(), null,
                new byte[5000]).end());
        assertRefused(big);
        assertTrue(big.body().contains("1000"), big.body());
        assertFalse(Files.exists(allowed.resolve("big.bin")));
        try (var files = Files.list(allowed)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".upload-")), "no temporary file");
        }
        // The server keeps serving.
        assertEquals(200, server.get("/files/info?path=" + q(allowed.resolve("ok.txt"))).statusCode());
    }
}
