package dev.kernelgate.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.spi.SandboxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jlink's command and the cache, with a fake JDK whose jlink records its arguments and makes the output directory. */
class JavaRuntimeImageTest {
    @TempDir
    Path dir;

    private Path fakeJdk(String name, String modules, String arch) throws Exception {
        Path jdk = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Path jlink = jdk.resolve("jlink");
        // The output directory is the argument after --output.
        Files.writeString(jlink, "#!/bin/sh\necho \"$@\" >> " + dir.resolve(name + ".calls") + "\n"
                + "while [ \"$1\" != --output ]; do shift; done; mkdir -p \"$2/bin\"\n");
        Files.setPosixFilePermissions(jlink, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(jdk.getParent().resolve("release"),
                "JAVA_VERSION=\"x\"\nOS_ARCH=\"" + arch + "\"\nMODULES=\"" + modules + "\"\n");
        return jdk.getParent();
    }

    @Test
    void linksTheModulesTheJdkHasOnceAndReusesTheImage() throws Exception {
        Path jdk17 = fakeJdk("jdk17", "java.base jdk.crypto.ec jdk.jshell", "x86_64");
        JavaRuntimeImage image = new JavaRuntimeImage(jdk17, dir.resolve("cache"));
        Path built = image.build();
        assertTrue(Files.isDirectory(built.resolve("bin")));
        assertEquals(built, image.build());
        String calls = Files.readString(dir.resolve("jdk17.calls"));
        assertEquals(1, calls.lines().count(), calls);
        assertTrue(calls.contains(",jdk.crypto.ec,") && calls.contains("--generate-cds-archive"), calls);
        assertEquals("/lib64/ld-linux-x86-64.so.2", image.glibcLoader());

        // A JDK that folded jdk.crypto.ec into java.base (22+) gets an image without it, under another key.
        Path jdk25 = fakeJdk("jdk25", "java.base jdk.jshell", "aarch64");
        JavaRuntimeImage newer = new JavaRuntimeImage(jdk25, dir.resolve("cache"));
        Path other = newer.build();
        assertFalse(other.equals(built));
        assertFalse(Files.readString(dir.resolve("jdk25.calls")).contains("jdk.crypto.ec"));
        assertEquals("/lib/ld-linux-aarch64.so.1", newer.glibcLoader());
    }

    @Test
    void aJreWithoutJlinkIsAClearError() throws Exception {
        Path jre = Files.createDirectories(dir.resolve("jre/bin"));
        SandboxException e = assertThrows(SandboxException.class,
                () -> new JavaRuntimeImage(jre.getParent(), dir.resolve("cache")).build());
        assertEquals(DockerErrors.EXECD_DISTRIBUTION_FAILED, e.code());
        assertTrue(e.getMessage().contains("has no bin/jlink"), e.getMessage());
    }
}
