package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.runtime.spi.SandboxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Metadata keys and values follow Kubernetes label syntax, on create and in a metadata patch, as upstream. */
class MetadataLabelsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG = "a".repeat(64);

    @TempDir
    static Path state;
    static LifecycleServer.Running server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServers.start(state);
        api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"team", "a", "app.kubernetes.io/name", "example.com/x_y-z.1", "A9"})
    void labelKeysAccepted(String key) {
        assertDoesNotThrow(() -> MetadataLabels.check(key, "v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a\nb", "bad key", "-a", "a-", "/a", "a/", "Example.com/a", "a//b", "a/b/c",
        "x/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "é"})
    void labelKeysRefused(String key) {
        SandboxException e = assertThrows(SandboxException.class, () -> MetadataLabels.check(key, "v"));
        assertEquals(400, e.status());
        assertEquals(ErrorCodes.INVALID_METADATA_LABEL, e.code());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void labelValues() {
        assertDoesNotThrow(() -> MetadataLabels.check("k", ""));
        assertDoesNotThrow(() -> MetadataLabels.check("k", "a".repeat(63)));
        assertDoesNotThrow(() -> MetadataLabels.check("k", "v1.2_x-y"));
        for (String bad : new String[] {LONG, "a b", "a\n", "-a", "a.", "a/b"}) {
            SandboxException e = assertThrows(SandboxException.class, () -> MetadataLabels.check("k", bad), bad);
            assertEquals(ErrorCodes.INVALID_METADATA_LABEL, e.code());
        }
    }

    private static String create(Map<String, String> metadata) throws Exception {
        return "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sleep\",\"600\"],\"metadata\":"
                + JSON.writeValueAsString(metadata) + "}";
    }

    @Test
    void createAndPatchRefuseWhatIsNotALabelAndKeepTheMetadata() throws Exception {
        for (Map<String, String> bad : new Map[] {Map.of("a\nb", "v"), Map.of("k", "a\nb"), Map.of("k", LONG),
                Map.of("x/" + LONG, "v")}) {
            ApiClient.Reply refused = api.post("/v1/sandboxes", create(bad));
            assertEquals(400, refused.status(), refused.raw().body());
            assertEquals(ErrorCodes.INVALID_METADATA_LABEL, refused.body().path("code").asText());
        }
        assertEquals(0, api.get("/v1/sandboxes").body().path("items").size(), "nothing was created");

        ApiClient.Reply created = api.post("/v1/sandboxes", create(Map.of("team", "a")));
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        try {
            for (String patch : new String[] {"{\"a\\nb\":\"v\"}", "{\"k\":\"a\\nb\"}", "{\"k\":\"" + LONG + "\"}",
                    "{\"team\":\"b\",\"bad key\":\"v\"}"}) {
                ApiClient.Reply refused = api.send("PATCH", "/v1/sandboxes/" + id + "/metadata", patch);
                assertEquals(400, refused.status(), patch + " " + refused.raw().body());
                assertEquals(ErrorCodes.INVALID_METADATA_LABEL, refused.body().path("code").asText());
            }
            assertEquals(Map.of("team", "a"), JSON.convertValue(api.get("/v1/sandboxes/" + id).body()
                    .path("metadata"), Map.class), "a refused patch changes nothing");
            ApiClient.Reply patched = api.send("PATCH", "/v1/sandboxes/" + id + "/metadata",
                    "{\"team\":\"b\",\"example.com/owner\":\"\",\"not-there\":null}");
            assertEquals(200, patched.status(), patched.raw().body());
            assertEquals(Map.of("team", "b", "example.com/owner", ""),
                    JSON.convertValue(patched.body().path("metadata"), Map.class));
            assertTrue(api.send("PATCH", "/v1/sandboxes/" + id + "/metadata", "{\"opensandbox.io/id\":null}")
                    .status() == 400, "reserved keys cannot be removed");
        } finally {
            assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        }
    }
}
