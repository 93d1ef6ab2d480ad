package dev.kernelgate.runtime.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathPolicyTest {
    @TempDir
    Path dir;

    private void assertRefused(HostPathPolicy policy, String path, String subPath, String why) {
        SandboxException e = assertThrows(SandboxException.class, () -> policy.check("vol", path, subPath));
        assertEquals(HostPathPolicy.NOT_ALLOWED, e.code());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains("'vol'"), e.getMessage());
    }

    @Test
    void pathsUnderAnAllowedRootPassNormalisedAndResolved() throws Exception {
        Path real = dir.toRealPath();
        Files.createDirectories(dir.resolve("data/project"));
        HostPathPolicy policy = new HostPathPolicy(List.of(dir.resolve("data")));
        assertEquals(real.resolve("data/project"), policy.check("vol", dir + "/data/./project/", null));
        assertEquals(real.resolve("data/project"), policy.check("vol", dir + "/data", "project"));
        assertEquals(real.resolve("data/not-yet"), policy.check("vol", dir + "/data/not-yet", null));
        Files.createSymbolicLink(dir.resolve("data/inside"), dir.resolve("data/project"));
        assertEquals(real.resolve("data/project/x"), policy.check("vol", dir + "/data/inside", "x"));
    }

    @Test
    void pathsOutsideEveryRootOrEscapingAreRefused() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        HostPathPolicy policy = new HostPathPolicy(List.of(dir.resolve("data")));
        assertRefused(policy, "/etc", null, "not under any of allowed_host_paths");
        assertRefused(policy, dir + "/data/../secret", null, "not under any of allowed_host_paths");
        assertRefused(policy, dir + "/database", null, "not under any of allowed_host_paths");
        assertRefused(policy, "relative/path", null, "not absolute");
        assertRefused(policy, dir + "/data/\0", null, "not a valid path");
        Files.createSymbolicLink(dir.resolve("data/link"), Path.of("/etc"));
        assertRefused(policy, dir + "/data/link", null, "symbolic link");
        assertRefused(policy, dir + "/data", "link", "symbolic link");
        assertRefused(policy, dir + "/data/link/not-yet", null, "symbolic link");
        assertRefused(policy, dir + "/data", "link/not-yet/deeper", "symbolic link");
    }

    @Test
    void noRootsMeansNoHostMounts() {
        assertRefused(new HostPathPolicy(List.of()), "/tmp", null, "allowed_host_paths is empty");
    }
}
