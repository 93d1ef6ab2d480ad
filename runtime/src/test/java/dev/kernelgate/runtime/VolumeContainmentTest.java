package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host volumes on the local runtime stay where they are put: a mount path cannot leave the sandbox's workspace, and a
 * host path (with its subPath) must be under {@code allowed_host_paths} once symbolic links are resolved. A refused
 * request creates nothing, neither a sandbox nor a link on the host.
 */
class VolumeContainmentTest {
    @TempDir
    static Path root;
    static Path allowed;
    static Path outside;
    static LifecycleServer.Running server;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        allowed = Files.createDirectories(root.resolve("allowed"));
        outside = Files.createDirectories(root.resolve("outside"));
        Files.createSymbolicLink(allowed.resolve("esc"), outside);
        ServerConfig c = TestServers.config(root.resolve("state"));
        server = TestServers.start(c.withStorage(new StorageSettings(List.of(allowed), null, null)));
        api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String create(String volumes) {
        return "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sleep\",\"600\"],\"volumes\":[" + volumes + "]}";
    }

    private static String hostVolume(String name, String mountPath, String hostPath, String subPath) {
        return "{\"name\":\"" + name + "\",\"mountPath\":\"" + mountPath + "\",\"host\":{\"path\":\"" + hostPath
                + "\"}" + (subPath == null ? "" : ",\"subPath\":\"" + subPath + "\"") + "}";
    }

    private static void assertRefused(String body, String code, String volume) {
        ApiClient.Reply reply = api.post("/v1/sandboxes", body);
        assertEquals(400, reply.status(), reply.raw().body());
        assertEquals(code, reply.body().path("code").asText(), reply.raw().body());
        assertTrue(reply.body().path("message").asText().contains("'" + volume + "'"), reply.raw().body());
        assertEquals(0, api.get("/v1/sandboxes").body().path("items").size(), "no sandbox was created");
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }

    private static Path sandboxDir(String id) throws IOException {
        for (Path dir : entries(root.resolve("state/local"))) {
            Path spec = dir.resolve("spec.json");
            if (Files.exists(spec) && Files.readString(spec).contains("\"" + id + "\"")) {
                return dir;
            }
        }
        throw new AssertionError("no directory for sandbox " + id);
    }

    @Test
    void aMountPathClimbingOutOfTheWorkspaceIsRefusedAndNoLinkAppearsOnTheHost() throws Exception {
        Path link = root.resolve("MOUNTLINK");
        String climb = "/../../../../../../../../../../../../../.." + link;
        assertRefused(create(hostVolume("v", climb, allowed.toString(), null)), ErrorCodes.INVALID_MOUNT_PATH, "v");
        assertRefused(create(hostVolume("w", "/data/../../sibling", allowed.toString(), null)),
                ErrorCodes.INVALID_MOUNT_PATH, "w");
        assertRefused(create(hostVolume("x", "/data/..", allowed.toString(), null)), ErrorCodes.INVALID_MOUNT_PATH,
                "x");
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "no link was created outside the sandbox");
        assertEquals(List.of(allowed.resolve("esc")), entries(allowed));
    }

    @Test
    void aHostPathLeavingTheAllowedRootsThroughASymbolicLinkIsRefused() throws Exception {
        assertRefused(create(hostVolume("direct", "/data", allowed.resolve("esc").toString(), null)),
                ErrorCodes.HOST_PATH_NOT_ALLOWED, "direct");
        assertRefused(create(hostVolume("sub", "/data", allowed.toString(), "esc")),
                ErrorCodes.HOST_PATH_NOT_ALLOWED, "sub");
        assertRefused(create(hostVolume("below", "/data", allowed.resolve("esc/not-yet").toString(), null)),
                ErrorCodes.HOST_PATH_NOT_ALLOWED, "below");
        assertRefused(create(hostVolume("subbelow", "/data", allowed.toString(), "esc/not-yet")),
                ErrorCodes.HOST_PATH_NOT_ALLOWED, "subbelow");
        assertEquals(List.of(), entries(outside), "nothing was created behind the link");
    }

    @Test
    void aMountPathInsideAnotherVolumeIsRefusedSoNoLinkIsWrittenIntoTheHostDirectory() throws Exception {
        assertRefused(create(hostVolume("outer", "/data", allowed.toString(), null) + ","
                + hostVolume("inner", "/data/inner", allowed.toString(), null)), ErrorCodes.INVALID_MOUNT_PATH, "inner");
        assertEquals(List.of(allowed.resolve("esc")), entries(allowed), "no link was written into the host path");
    }

    @Test
    void aMountPathThatStaysInsideIsNormalisedAndLinked() throws Exception {
        ApiClient.Reply created = api.post("/v1/sandboxes", create(hostVolume("data", "/a/../mnt//data/",
                allowed.toString(), null)));
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        Path link = sandboxDir(id).resolve("workspace/mnt/data");
        assertTrue(Files.isSymbolicLink(link), link.toString());
        assertEquals(allowed.toRealPath(), link.toRealPath());
        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
    }
}
