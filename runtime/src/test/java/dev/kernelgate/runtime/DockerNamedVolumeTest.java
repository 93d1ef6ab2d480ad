package dev.kernelgate.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.kernelgate.runtime.config.RuntimeSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.spi.VolumeDirectories;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named ({@code pvc}) volumes on the docker runtime, on the real engine: what one sandbox writes into a volume another
 * reads; {@code readOnly} refuses writes; {@code subPath} mounts only that directory and cannot be led out of the
 * volume through a link a sandbox planted; a missing volume without {@code createIfNotExists} is refused before any
 * container exists; a volume created with {@code deleteOnSandboxTermination} goes with its sandbox and a pre-existing
 * one never does; bad names and subPaths are 400s naming the field.
 */
class DockerNamedVolumeTest {
    private static final String IMAGE = System.getenv().getOrDefault("KERNELGATE_TEST_IMAGE",
            "kernelgate-test/bookworm:minbase");

    @TempDir
    static Path state;
    static DockerClient docker;
    static LifecycleServer.Running server;
    static ApiClient api;
    private final List<String> volumes = new ArrayList<>();

    @BeforeAll
    static void start() {
        connect();
        server = startServer();
    }

    private static void connect() {
        String host = System.getenv("DOCKER_HOST");
        assumeTrue(host != null && !host.isBlank(), "DOCKER_HOST is not set (scripts/test sets it)");
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).responseTimeout(Duration.ofSeconds(60)).build());
    }

    private static LifecycleServer.Running startServer() {
        ServerConfig c = TestServers.config(state).withRuntime(new RuntimeSettings("docker", null, null));
        LifecycleServer.Running running = new LifecycleServer(c, System.getenv(), RuntimeProviders.builtIn(),
                Clock.systemUTC(), Duration.ofMillis(100)).start();
        api = new ApiClient(running.baseUrl(), TestServers.API_KEY);
        return running;
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (docker != null) {
            docker.close();
        }
    }

    @AfterEach
    void cleanUp() {
        for (var item : api.get("/v1/sandboxes").body().path("items")) {
            api.delete("/v1/sandboxes/" + item.path("id").asText());
        }
        volumes.forEach(name -> {
            try {
                docker.removeVolumeCmd(name).exec();
            } catch (NotFoundException e) {
                // already gone
            }
        });
    }

    /** A fresh volume name, removed after the test whoever created it. */
    private String volumeName() {
        String name = "kg-test-" + UUID.randomUUID().toString().substring(0, 8);
        volumes.add(name);
        return name;
    }

    /** A volume made outside the server, as an operator's {@code docker volume create} makes it. */
    private String existingVolume() {
        String name = volumeName();
        docker.createVolumeCmd().withName(name).exec();
        return name;
    }

    private boolean exists(String volume) {
        try {
            docker.inspectVolumeCmd(volume).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static String pvc(String name, String mountPath, String pvcFields, String extra) {
        return "{\"name\":\"" + name + "\",\"mountPath\":\"" + mountPath + "\",\"pvc\":{" + pvcFields + "}" + extra
                + "}";
    }

    private static String claim(String volume) {
        return "\"claimName\":\"" + volume + "\"";
    }

    private static ApiClient.Reply post(String volume) {
        return api.post("/v1/sandboxes", "{\"image\":{\"uri\":\"" + IMAGE + "\"},\"entrypoint\":[\"sleep\","
                + "\"infinity\"],\"volumes\":[" + volume + "]}");
    }

    private static String created(String volume) {
        ApiClient.Reply reply = post(volume);
        assertEquals(202, reply.status(), reply.raw().body());
        return reply.body().path("id").asText();
    }

    private int sandboxContainers() {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of("opensandbox.io/id")).exec()
                .size();
    }

    private void refused(String volume, String code, String... words) {
        int containers = sandboxContainers();
        int sandboxes = api.get("/v1/sandboxes").body().path("items").size();
        ApiClient.Reply reply = post(volume);
        assertEquals(400, reply.status(), reply.raw().body());
        assertEquals(code, reply.body().path("code").asText(), reply.raw().body());
        for (String word : words) {
            assertTrue(reply.body().path("message").asText().contains(word), reply.raw().body());
        }
        assertEquals(containers, sandboxContainers(), "no container was left behind");
        assertEquals(sandboxes, api.get("/v1/sandboxes").body().path("items").size(), "no sandbox was recorded");
    }

    /** Runs a shell command in the sandbox through its execd; the raw event stream. */
    private static String run(String id, String command) {
        String endpoint = api.get("/v1/sandboxes/" + id + "/endpoints/44772").body().path("endpoint").asText();
        return new ApiClient("http://" + endpoint, null).post("/command",
                "{\"command\":\"" + command.replace("\"", "\\\"") + "\"}").raw().body();
    }

    @Test
    void whatOneSandboxWritesIntoAVolumeTheNextReadsAndReadOnlyRefusesWrites() {
        String volume = existingVolume();
        String writer = created(pvc("data", "/mnt/pvc", claim(volume), ",\"readOnly\":false"));
        String wrote = run(writer, "echo from-the-writer > /mnt/pvc/note.txt && echo done");
        assertTrue(wrote.contains("\"text\":\"done\""), wrote);

        String reader = created(pvc("ro", "/mnt/ro", claim(volume), ",\"readOnly\":true"));
        String read = run(reader, "cat /mnt/ro/note.txt");
        assertTrue(read.contains("\"text\":\"from-the-writer\""), read);
        String write = run(reader, "touch /mnt/ro/should-fail.txt");
        assertTrue(write.contains("Read-only file system"), write);
        assertTrue(write.contains("\"type\":\"error\""), write);
        String absent = run(writer, "test -e /mnt/pvc/should-fail.txt || echo absent");
        assertTrue(absent.contains("\"text\":\"absent\""), absent);
    }

    @Test
    void aSubPathMountsOnlyThatDirectoryAndALinkInTheVolumeCannotLeadOut() {
        String volume = existingVolume();
        String seeder = created(pvc("data", "/data", claim(volume), ""));
        String seeded = run(seeder, "mkdir -p /data/datasets/train && echo sub > /data/datasets/train/marker.txt"
                + " && echo top > /data/top.txt && ln -s / /data/escape && ln -s /etc /data/datasets/etc && echo ok");
        assertTrue(seeded.contains("\"text\":\"ok\""), seeded);

        String sub = created(pvc("train", "/mnt/train", claim(volume), ",\"subPath\":\"datasets/train\""));
        String listed = run(sub, "ls /mnt/train");
        assertTrue(listed.contains("\"text\":\"marker.txt\""), listed);
        assertFalse(listed.contains("top.txt") || listed.contains("datasets"), listed);
        String wrote = run(sub, "echo below > /mnt/train/out.txt && echo done");
        assertTrue(wrote.contains("\"text\":\"done\""), wrote);
        String seen = run(seeder, "cat /data/datasets/train/out.txt");
        assertTrue(seen.contains("\"text\":\"below\""), seen);

        String fresh = created(pvc("fresh", "/mnt/fresh", claim(volume), ",\"subPath\":\"not/yet\""));
        String made = run(seeder, "test -d /data/not/yet && echo made");
        assertTrue(made.contains("\"text\":\"made\""), made);
        assertTrue(run(fresh, "ls -a /mnt/fresh").contains("\"text\":\"..\""));

        refused(pvc("esc", "/mnt/x", claim(volume), ",\"subPath\":\"escape\""),
                VolumeDirectories.INVALID_SUB_PATH, "'esc'", "symbolic link");
        refused(pvc("esc2", "/mnt/x", claim(volume), ",\"subPath\":\"datasets/etc/ssl\""),
                VolumeDirectories.INVALID_SUB_PATH, "'esc2'", "symbolic link");
        refused(pvc("file", "/mnt/x", claim(volume), ",\"subPath\":\"top.txt\""),
                VolumeDirectories.INVALID_SUB_PATH, "'file'", "not a directory");
    }

    @Test
    void aMissingVolumeWithoutCreateIfNotExistsIsRefusedBeforeAnyContainerExists() {
        String volume = volumeName();
        refused(pvc("gone", "/data", claim(volume) + ",\"createIfNotExists\":false", ""),
                VolumeDirectories.PVC_NOT_FOUND, "'gone'", volume, "does not exist");
        assertFalse(exists(volume), "nothing was created");
    }

    @Test
    void aVolumeCreatedForTheSandboxGoesWithItWhenAskedAndAPreExistingOneNever() {
        String temporary = volumeName();
        String kept = volumeName();
        String existing = existingVolume();
        String id = created(pvc("tmp", "/tmp-data", claim(temporary) + ",\"deleteOnSandboxTermination\":true", "")
                + "," + pvc("kept", "/kept", claim(kept), "")
                + "," + pvc("old", "/old", claim(existing) + ",\"deleteOnSandboxTermination\":true", ""));
        Map<String, String> labels = docker.inspectVolumeCmd(temporary).exec().getLabels();
        assertEquals("kernelgate", labels.get("kernelgate.dev/volume-created-by"), labels.toString());
        assertEquals("server", labels.get("opensandbox.io/volume-managed-by"), labels.toString());
        String wrote = run(id, "echo x > /tmp-data/f && echo x > /kept/f && echo x > /old/f && echo done");
        assertTrue(wrote.contains("\"text\":\"done\""), wrote);

        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        await().atMost(Duration.ofSeconds(30)).until(() -> !exists(temporary));
        assertTrue(exists(kept), "created without deleteOnSandboxTermination: it stays");
        assertTrue(exists(existing), "a volume the server did not create is never removed");
    }

    @Test
    void aRestartedServerStillRemovesTheVolumeWithTheSandbox() {
        String temporary = volumeName();
        String id = created(pvc("tmp", "/tmp-data", claim(temporary) + ",\"deleteOnSandboxTermination\":true", ""));
        server.close();
        server = startServer();
        assertEquals(200, api.get("/v1/sandboxes/" + id).status(), "the sandbox was found again");
        assertTrue(exists(temporary));
        assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        await().atMost(Duration.ofSeconds(30)).until(() -> !exists(temporary));
    }

    @Test
    void badNamesAndSubPathsAreRefusedNamingTheField() {
        refused(pvc("empty", "/data", "\"claimName\":\"\"", ""), "VOLUME::INVALID_PVC_NAME", "'empty'",
                "pvc.claimName");
        refused(pvc("short", "/data", "\"claimName\":\"a\"", ""), "VOLUME::INVALID_PVC_NAME", "'short'",
                "pvc.claimName", "Docker volume name");
        refused(pvc("upper", "/data", "\"claimName\":\"Data_1\"", ""), "VOLUME::INVALID_PVC_NAME", "'upper'",
                "pvc.claimName");
        refused(pvc("climb", "/data", claim("some-volume"), ",\"subPath\":\"a/../..\""),
                VolumeDirectories.INVALID_SUB_PATH, "'climb'", "subPath");
        refused(pvc("abs", "/data", claim("some-volume"), ",\"subPath\":\"/etc\""),
                VolumeDirectories.INVALID_SUB_PATH, "'abs'", "subPath");
        assertFalse(exists("some-volume"));
    }
}
