package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the parser refuses before any runtime sees the request, so the docker and kubernetes runtimes get the same
 * volume rules as the local one: mount paths stay below the sandbox's root, host paths stay under
 * {@code allowed_host_paths} through symbolic links and subPaths.
 */
class CreateRequestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Path allowed;
    private CreateRequestParser parser;

    @BeforeEach
    void setUp() throws Exception {
        allowed = Files.createDirectories(dir.resolve("allowed"));
        Files.createSymbolicLink(allowed.resolve("esc"), Files.createDirectories(dir.resolve("outside")));
        parser = new CreateRequestParser(new CreateRequestParser.Policy(60, null,
                new HostPathPolicy(List.of(allowed))));
    }

    private SandboxSpec parse(String volume) throws Exception {
        JsonNode body = JSON.readTree("{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"volumes\":[" + volume + "]}");
        return parser.parse(body, "id", Instant.EPOCH);
    }

    private void assertRefused(String volume, String code) {
        SandboxException e = assertThrows(SandboxException.class, () -> parse(volume));
        assertEquals(400, e.status());
        assertEquals(code, e.code());
        assertTrue(e.getMessage().contains("'v'"), e.getMessage());
    }

    private String host(String mountPath, String path, String subPath) {
        return "{\"name\":\"v\",\"mountPath\":\"" + mountPath + "\",\"host\":{\"path\":\"" + path + "\"}"
                + (subPath == null ? "" : ",\"subPath\":\"" + subPath + "\"") + "}";
    }

    @Test
    void mountPathsThatLeaveTheSandboxRootAreRefusedForEveryBackend() {
        for (String mountPath : List.of("/../../../../tmp/MOUNTLINK", "/a/../../b", "/..", "/", "/a/..", "//")) {
            assertRefused(host(mountPath, allowed.toString(), null), ErrorCodes.INVALID_MOUNT_PATH);
            assertRefused("{\"name\":\"v\",\"mountPath\":\"" + mountPath + "\",\"pvc\":{\"claimName\":\"c\"}}",
                    ErrorCodes.INVALID_MOUNT_PATH);
        }
    }

    @Test
    void aCredentialProxyNeedsANetworkPolicyAndReachesTheRuntime() throws Exception {
        JsonNode body = JSON.readTree("{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],"
                + "\"networkPolicy\":{\"defaultAction\":\"allow\"},\"credentialProxy\":{\"enabled\":true}}");
        assertTrue(parser.parse(body, "id", Instant.EPOCH).credentialProxy());
        JsonNode alone = JSON.readTree("{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],"
                + "\"credentialProxy\":{\"enabled\":true}}");
        SandboxException e = assertThrows(SandboxException.class, () -> parser.parse(alone, "id", Instant.EPOCH));
        assertEquals(400, e.status());
        assertEquals(ErrorCodes.INVALID_PARAMETER, e.code());
        assertTrue(e.getMessage().contains("credentialProxy.enabled requires networkPolicy"), e.getMessage());
        JsonNode disabled = JSON.readTree("{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],"
                + "\"networkPolicy\":{\"defaultAction\":\"allow\"},\"credentialProxy\":{\"enabled\":false}}");
        assertFalse(parser.parse(disabled, "id", Instant.EPOCH).credentialProxy());
    }

    /** The body with {@code policy} as its networkPolicy. */
    private SandboxSpec withPolicy(String policy) throws Exception {
        return parser.parse(JSON.readTree("{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"],\"networkPolicy\":"
                + policy + "}"), "id", Instant.EPOCH);
    }

    @Test
    void aNetworkPolicyTheSidecarWouldRefuseIsA400NotAFailedStart() throws Exception {
        // Fuzzing found these accepted, then refused by the sidecar at start: the create failed with 500.
        for (String target : List.of("A10.1.0.0/16", "10.0.0.0/99", "pypi.org/", "fd00::/129", "1.2.3.4/x")) {
            SandboxException e = assertThrows(SandboxException.class, () -> withPolicy(
                    "{\"egress\":[{\"action\":\"allow\",\"target\":\"pypi.org\"},{\"action\":\"deny\","
                            + "\"target\":\"" + target + "\"}]}"), target);
            assertEquals(400, e.status(), target);
            assertEquals(ErrorCodes.INVALID_PARAMETER, e.code());
            assertTrue(e.getMessage().startsWith("networkPolicy.egress[1]: "), e.getMessage());
            assertTrue(e.getMessage().contains(target), e.getMessage());
        }
        SandboxException notArray = assertThrows(SandboxException.class,
                () -> withPolicy("{\"egress\":{\"a\":{\"action\":\"allow\",\"target\":\"x.org\"}}}"));
        assertEquals(422, notArray.status());
        assertTrue(notArray.getMessage().contains("networkPolicy.egress must be an array"), notArray.getMessage());

        StringBuilder many = new StringBuilder("{\"egress\":[");
        for (int i = 0; i <= CreateRequestParser.MAX_EGRESS_RULES; i++) {
            many.append(i == 0 ? "" : ",").append("{\"action\":\"allow\",\"target\":\"h").append(i).append(".org\"}");
        }
        SandboxException tooMany = assertThrows(SandboxException.class, () -> withPolicy(many + "]}"));
        assertEquals(400, tooMany.status());
        assertTrue(tooMany.getMessage().contains("4097 rules; at most 4096"), tooMany.getMessage());

        // 1000 rules of 200-character names: 200 KiB of JSON, past what one environment string of the sidecar holds.
        StringBuilder long_ = new StringBuilder("{\"egress\":[");
        for (int i = 0; i < 1000; i++) {
            long_.append(i == 0 ? "" : ",").append("{\"action\":\"allow\",\"target\":\"")
                    .append("a".repeat(190)).append(i).append(".org\"}");
        }
        SandboxException tooLong = assertThrows(SandboxException.class, () -> withPolicy(long_ + "]}"));
        assertEquals(400, tooLong.status());
        assertTrue(tooLong.getMessage().contains("characters as JSON; at most 102400"), tooLong.getMessage());

        SandboxSpec good = withPolicy("{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":"
                + "\"*.Example.com\"},{\"action\":\"deny\",\"target\":\"10.1.0.0/16\"},{\"action\":\"allow\","
                + "\"target\":\"fd00::1\"}]}");
        assertEquals(3, good.networkPolicy().egress().size());
    }

    @Test
    void mountPathsAreNormalised() throws Exception {
        assertEquals("/mnt/data", parse(host("/a/./../mnt//data/", allowed.toString(), null)).volumes().get(0)
                .mountPath());
    }

    @Test
    void hostPathsLeavingTheAllowedRootsThroughALinkAreRefused() {
        assertRefused(host("/d", allowed.resolve("esc").toString(), null), ErrorCodes.HOST_PATH_NOT_ALLOWED);
        assertRefused(host("/d", allowed.toString(), "esc"), ErrorCodes.HOST_PATH_NOT_ALLOWED);
        assertRefused(host("/d", allowed.toString(), "esc/new"), ErrorCodes.HOST_PATH_NOT_ALLOWED);
        assertRefused(host("/d", "/etc", null), ErrorCodes.HOST_PATH_NOT_ALLOWED);
    }

    private static String pvc(String pvcFields, String extra) {
        return "{\"name\":\"v\",\"mountPath\":\"/data\",\"pvc\":{" + pvcFields + "}" + extra + "}";
    }

    @Test
    void pvcVolumesCarryTheClaimAndUpstreamsDefaults() throws Exception {
        SandboxSpec.VolumeSpec plain = parse(pvc("\"claimName\":\"shared-data\"", "")).volumes().get(0);
        assertEquals(new SandboxSpec.PvcClaim("shared-data", true, false), plain.pvc());
        assertEquals("shared-data", plain.pvcClaimName());
        assertEquals(null, plain.subPath());
        SandboxSpec.VolumeSpec full = parse(pvc("\"claimName\":\"d.v1\",\"createIfNotExists\":false,"
                + "\"deleteOnSandboxTermination\":true", ",\"readOnly\":true,\"subPath\":\"./a//b/\""))
                .volumes().get(0);
        assertEquals(new SandboxSpec.PvcClaim("d.v1", false, true), full.pvc());
        assertTrue(full.readOnly());
        assertEquals("a/b", full.subPath(), "'.' and empty components dropped");
        assertEquals(null, parse(pvc("\"claimName\":\"c\"", ",\"subPath\":\"./\"")).volumes().get(0).subPath());
    }

    @Test
    void badPvcFieldsAreRefusedNamingTheField() {
        for (String claim : List.of("", "Upper", "under_score", "-dash", "dash-", "a/b", "..", "x".repeat(254))) {
            SandboxException e = assertThrows(SandboxException.class,
                    () -> parse(pvc("\"claimName\":\"" + claim + "\"", "")));
            assertEquals(400, e.status(), claim);
            assertEquals(ErrorCodes.INVALID_PVC_NAME, e.code(), claim);
            assertTrue(e.getMessage().contains("'v' pvc.claimName"), e.getMessage());
        }
        assertRefused(pvc("", ""), ErrorCodes.INVALID_PVC_NAME);
        assertRefused(pvc("\"claimName\":null", ""), ErrorCodes.INVALID_PVC_NAME);
        for (String subPath : List.of("/abs", "..", "a/../b", "a/..", "../a")) {
            SandboxException e = assertThrows(SandboxException.class,
                    () -> parse(pvc("\"claimName\":\"c\"", ",\"subPath\":\"" + subPath + "\"")));
            assertEquals(400, e.status(), subPath);
            assertEquals(ErrorCodes.INVALID_SUB_PATH, e.code(), subPath);
            assertTrue(e.getMessage().contains("'v' subPath"), e.getMessage());
        }
        for (String wrongType : List.of("\"claimName\":7", "\"claimName\":\"c\",\"createIfNotExists\":\"yes\"",
                "\"claimName\":\"c\",\"deleteOnSandboxTermination\":1")) {
            SandboxException e = assertThrows(SandboxException.class, () -> parse(pvc(wrongType, "")));
            assertEquals(422, e.status(), wrongType);
            assertTrue(e.getMessage().contains("pvc."), e.getMessage());
        }
    }
}
