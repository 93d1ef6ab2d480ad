package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.spi.VolumeDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named ({@code pvc}) volumes on the local runtime: one directory per claim under the state directory, shared by
 * every sandbox naming it; a missing one is refused unless {@code createIfNotExists}; a {@code subPath} stays inside
 * the volume through real directories; {@code deleteOnSandboxTermination} removes only a volume the server created.
 */
class LocalNamedVolumeTest {
    @TempDir
    static Path root;
    static Path volumes;
    static Path outside;
    static LifecycleServer.Running server;
    static ApiClient api;

    @BeforeAll
    static void start() throws IOException {
        server = TestServers.start(root.resolve("state"));
        api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
        volumes = root.resolve("state/local/volumes");
        outside = Files.createDirectories(root.resolve("outside"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void noSandboxLeft() {
        for (var item : api.get("/v1/sandboxes").body().path("items")) {
            api.delete("/v1/sandboxes/" + item.path("id").asText());
        }
    }

    private static String pvc(String name, String mountPath, String pvcFields, String extra) {
        return "{\"name\":\"" + name + "\",\"mountPath\":\"" + mountPath + "\",\"pvc\":{" + pvcFields + "}" + extra
                + "}";
    }

    private static String created(String volume) {
        ApiClient.Reply reply = api.post("/v1/sandboxes", "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sleep\","
                + "\"600\"],\"volumes\":[" + volume + "]}");
        assertEquals(202, reply.status(), reply.raw().body());
        return reply.body().path("id").asText();
    }

    private static void refused(String volume, String code, String name) {
        int before = api.get("/v1/sandboxes").body().path("items").size();
        ApiClient.Reply reply = api.post("/v1/sandboxes", "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sleep\","
                + "\"600\"],\"volumes\":[" + volume + "]}");
        assertEquals(400, reply.status(), reply.raw().body());
        assertEquals(code, reply.body().path("code").asText(), reply.raw().body());
        assertTrue(reply.body().path("message").asText().contains("'" + name + "'"), reply.raw().body());
        assertEquals(before, api.get("/v1/sandboxes").body().path("items").size(), "no sandbox was created");
    }

    private static String run(String id, String command) {
        String ep = api.get("/v1/sandboxes/" + id + "/endpoints/44772").body().path("endpoint").asText();
        ApiClient execd = new ApiClient("http://" + ep, null);
        return execd.post("/command", "{\"command\":\"" + command + "\"}").raw().body();
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }

    @Test
    void twoSandboxesNamingTheSameVolumeShareItsDirectory() throws IOException {
        String writer = created(pvc("data", "/data", "\"claimName\":\"shared\"", ""));
        String written = run(writer, "echo from-the-first > data/note.txt && echo wrote");
        assertTrue(written.contains("\"text\":\"wrote\""), written);
        assertEquals("from-the-first\n", Files.readString(volumes.resolve("shared/note.txt")));

        String reader = created(pvc("mine", "/mnt/other", "\"claimName\":\"shared\"", ""));
        String read = run(reader, "cat mnt/other/note.txt");
        assertTrue(read.contains("\"text\":\"from-the-first\""), read);

        assertEquals(204, api.delete("/v1/sandboxes/" + writer).status());
        assertEquals(204, api.delete("/v1/sandboxes/" + reader).status());
        assertTrue(Files.isRegularFile(volumes.resolve("shared/note.txt")), "the volume outlives its sandboxes");
    }

    @Test
    void aMissingVolumeIsRefusedUnlessCreateIfNotExists() {
        refused(pvc("gone", "/data", "\"claimName\":\"never-made\",\"createIfNotExists\":false", ""),
                VolumeDirectories.PVC_NOT_FOUND, "gone");
        assertFalse(Files.exists(volumes.resolve("never-made")), "nothing was created");
    }

    @Test
    void aSubPathMountsOnlyThatDirectoryAndCannotLeaveTheVolume() throws IOException {
        String first = created(pvc("data", "/data", "\"claimName\":\"trees\"", ",\"subPath\":\"a/b\""));
        assertTrue(Files.isDirectory(volumes.resolve("trees/a/b"), LinkOption.NOFOLLOW_LINKS), "created inside");
        run(first, "echo deep > data/leaf.txt");
        assertEquals("deep\n", Files.readString(volumes.resolve("trees/a/b/leaf.txt")));
        assertEquals(List.of(volumes.resolve("trees/a")), entries(volumes.resolve("trees")),
                "nothing outside the subPath was written");

        // A sandbox sharing the volume plants a link to a directory outside it: a subPath through it is refused.
        Files.createSymbolicLink(volumes.resolve("trees/a/out"), outside);
        Files.writeString(volumes.resolve("trees/a/file"), "x");
        refused(pvc("esc", "/data", "\"claimName\":\"trees\"", ",\"subPath\":\"a/out\""),
                VolumeDirectories.INVALID_SUB_PATH, "esc");
        refused(pvc("below", "/data", "\"claimName\":\"trees\"", ",\"subPath\":\"a/out/new\""),
                VolumeDirectories.INVALID_SUB_PATH, "below");
        refused(pvc("file", "/data", "\"claimName\":\"trees\"", ",\"subPath\":\"a/file\""),
                VolumeDirectories.INVALID_SUB_PATH, "file");
        refused(pvc("climb", "/data", "\"claimName\":\"trees\"", ",\"subPath\":\"a/../../x\""),
                ErrorCodes.INVALID_SUB_PATH, "climb");
        assertEquals(List.of(), entries(outside), "nothing was created behind the link");
        assertFalse(Files.exists(volumes.resolve("x")));
    }

    @Test
    void deleteOnSandboxTerminationRemovesOnlyAVolumeTheServerCreated() throws IOException {
        String temporary = created(pvc("tmp", "/tmp-data", "\"claimName\":\"scratch\","
                + "\"deleteOnSandboxTermination\":true", ""));
        run(temporary, "echo x > tmp-data/f");
        assertTrue(Files.isRegularFile(volumes.resolve("scratch/f")));
        assertEquals(204, api.delete("/v1/sandboxes/" + temporary).status());
        assertFalse(Files.exists(volumes.resolve("scratch"), LinkOption.NOFOLLOW_LINKS), "removed with the sandbox");

        Files.createDirectories(volumes.resolve("kept"));
        Files.writeString(volumes.resolve("kept/precious"), "keep me");
        String user = created(pvc("kept", "/kept", "\"claimName\":\"kept\",\"deleteOnSandboxTermination\":true", ""));
        assertEquals(204, api.delete("/v1/sandboxes/" + user).status());
        assertEquals("keep me", Files.readString(volumes.resolve("kept/precious")), "a pre-existing volume stays");
    }
}
