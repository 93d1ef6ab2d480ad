package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostPathPolicyTest {
    @TempDir
    Path dir;

    private void assertRefused(HostPathPolicy policy, String path, String why) {
        SandboxException e = assertThrows(SandboxException.class, () -> policy.check(path));
        assertEquals(DockerErrors.HOST_PATH_NOT_ALLOWED, e.code());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void pathsUnderAnAllowedRootPassNormalised() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data/project"));
        HostPathPolicy policy = new HostPathPolicy(List.of(dir.resolve("data")));
        assertEquals(data, policy.check(dir + "/data/./project/"));
        assertEquals(dir.resolve("data/not-yet"), policy.check(dir + "/data/not-yet"));
    }

    @Test
    void pathsOutsideEveryRootOrEscapingAreRefused() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        HostPathPolicy policy = new HostPathPolicy(List.of(dir.resolve("data")));
        assertRefused(policy, "/etc", "not under any of allowed_host_paths");
        assertRefused(policy, dir + "/data/../secret", "not under any of allowed_host_paths");
        assertRefused(policy, dir + "/database", "not under any of allowed_host_paths");
        assertRefused(policy, "relative/path", "not absolute");
        Files.createSymbolicLink(dir.resolve("data/link"), Path.of("/etc"));
        assertRefused(policy, dir + "/data/link", "symbolic link");
    }

    @Test
    void noRootsMeansNoHostMounts() {
        assertRefused(new HostPathPolicy(List.of()), "/tmp", "allowed_host_paths is empty");
    }
}
