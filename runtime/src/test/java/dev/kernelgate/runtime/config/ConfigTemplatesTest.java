package dev.kernelgate.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigTemplatesTest {
    @ParameterizedTest
    @ValueSource(strings = {"local", "docker", "kubernetes"})
    void everyTemplateIsAValidConfigurationOfItsRuntime(String example) {
        ServerConfig c = ServerConfigLoader.parse(Path.of(example + ".toml"), ConfigTemplates.text(example));
        assertEquals(example, c.runtime().type());
        assertEquals("change-me", c.server().apiKey());
    }

    @Test
    void writingRefusesToOverwriteWithoutForce(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("sub/sandbox.toml");
        ConfigTemplates.write(target, "local", false);
        Files.writeString(target, "# mine");
        assertThrows(FileAlreadyExistsException.class, () -> ConfigTemplates.write(target, "docker", false));
        assertEquals("# mine", Files.readString(target));
        ConfigTemplates.write(target, "docker", true);
        assertEquals("docker", ServerConfigLoader.read(target).runtime().type());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(target)));
    }
}
