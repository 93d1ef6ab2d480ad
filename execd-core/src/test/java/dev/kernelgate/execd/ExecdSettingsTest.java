package dev.kernelgate.execd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecdSettingsTest {
    @Test
    void startsFromTheEnvironmentAlone() {
        ExecdConfig c = ExecdSettings.parse(Map.of("EXECD_ACCESS_TOKEN", "t", "EXECD_ENVS", "/opt/kernelgate/.env",
                "EXECD_LOG_FILE", "/var/log/execd/execd.log", "EXECD_API_GRACE_SHUTDOWN", "500ms"), List.of());
        assertEquals(44772, c.port());
        assertEquals("t", c.accessToken());
        assertEquals(Path.of("/opt/kernelgate/.env"), c.envsFile());
        assertEquals(Path.of("/var/log/execd/execd.log"), c.logFile());
        assertEquals(Duration.ofMillis(500), c.graceShutdown());
        assertTrue(c.allowedRoots().isEmpty());
    }

    @Test
    void flagsOverrideTheEnvironmentInBothSpellings() {
        ExecdConfig c = ExecdSettings.parse(Map.of("EXECD_ACCESS_TOKEN", "env"),
                List.of("--port=1234", "-access-token", "flag", "--jupyter-host", "http://ignored",
                        "--allowed-root=/tmp", "--max-upload-bytes", "1024"));
        assertEquals(1234, c.port());
        assertEquals("flag", c.accessToken());
        assertEquals(List.of(Path.of("/tmp")), c.allowedRoots());
        assertEquals(1024, c.maxUploadBytes());
        assertNull(c.envsFile());
    }

    @Test
    void dropInDirsDefaultToBothEtcDirsAndAreReplacedByTheVariableOrTheFlags() {
        assertEquals(List.of(Path.of("/etc/kernelgate/kernelspecs"), Path.of("/etc/opensandbox/kernelspecs")),
                ExecdSettings.parse(Map.of(), List.of()).dropInDirs());
        assertEquals(List.of(Path.of("/srv/a"), Path.of("/srv/b")),
                ExecdSettings.parse(Map.of("EXECD_DROP_IN_DIRS", "/srv/a::/srv/b"), List.of()).dropInDirs());
        assertEquals(List.of(), ExecdSettings.parse(Map.of("EXECD_DROP_IN_DIRS", ""), List.of()).dropInDirs());
        assertEquals(List.of(Path.of("/f1"), Path.of("/f2")), ExecdSettings.parse(
                Map.of("EXECD_DROP_IN_DIRS", "/srv/a"), List.of("--drop-in-dir", "/f1", "--drop-in-dir=/f2"))
                .dropInDirs());
    }

    @Test
    void connectionLimitsComeFromFlagsOrVariables() {
        ExecdConfig defaults = ExecdSettings.parse(Map.of(), List.of());
        assertEquals(Duration.ofSeconds(10), defaults.connectionLimits().headerTimeout());
        assertEquals(256, defaults.connectionLimits().maxPerClient());
        ExecdConfig fromEnv = ExecdSettings.parse(Map.of("EXECD_REQUEST_HEADER_TIMEOUT", "1500ms",
                "EXECD_MAX_CONNECTIONS_PER_CLIENT", "0"), List.of());
        assertEquals(Duration.ofMillis(1500), fromEnv.connectionLimits().headerTimeout());
        assertEquals(0, fromEnv.connectionLimits().maxPerClient());
        ExecdConfig fromFlags = ExecdSettings.parse(Map.of("EXECD_MAX_CONNECTIONS_PER_CLIENT", "9"),
                List.of("--request-header-timeout", "0", "--max-connections-per-client=32"));
        assertEquals(Duration.ZERO, fromFlags.connectionLimits().headerTimeout());
        assertEquals(32, fromFlags.connectionLimits().maxPerClient());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecdSettings.parse(Map.of(),
                List.of("--max-connections-per-client=lots"))).getMessage().contains("max-connections-per-client"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecdSettings.parse(
                Map.of("EXECD_REQUEST_HEADER_TIMEOUT", "30h"), List.of())).getMessage()
                .contains("EXECD_REQUEST_HEADER_TIMEOUT must be at most 24h"));
    }

    @Test
    void badInputNamesTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ExecdSettings.parse(Map.of(), List.of("--port=http"))).getMessage().contains("--port"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ExecdSettings.parse(Map.of(), List.of("--bogus=1"))).getMessage().contains("bogus"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecdSettings.parse(
                Map.of("EXECD_API_GRACE_SHUTDOWN", "soon"), List.of())).getMessage()
                .contains("EXECD_API_GRACE_SHUTDOWN"));
        assertEquals(Duration.ofMinutes(2), ExecdSettings.duration("x", "2m"));
    }
}
