package dev.kernelgate.kernelspecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.kernelspecs.InterruptMode;
import dev.kernelgate.kernelspecs.KernelSpec;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecParser;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import dev.kernelgate.wire.Json;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaKernelSpecTest {
    @TempDir
    Path dir;

    @Test
    void argvRunsTheKernelClassWithTheConnectionFile() {
        JavaKernelSpec spec = new JavaKernelSpec(Path.of("/opt/jdk/bin/java"), "/a.jar:/b.jar");
        List<String> argv = spec.argv();
        assertEquals("/opt/jdk/bin/java", argv.get(0));
        assertEquals(JavaKernelSpec.DEFAULT_JVM_FLAGS, argv.subList(1, 1 + JavaKernelSpec.DEFAULT_JVM_FLAGS.size()));
        assertEquals(List.of("-cp", "/a.jar:/b.jar", "dev.kernelgate.javakernel.JavaKernel",
                "{connection_file}"), argv.subList(argv.size() - 4, argv.size()));
    }

    @Test
    void kernelJsonNamesAJavaKernelInterruptedByMessage() {
        JsonNode json = new JavaKernelSpec(Path.of("java"), "k.jar", List.of("-Xmx1g")).toJson();
        assertEquals("Java", json.path("display_name").asText());
        assertEquals("java", json.path("language").asText());
        assertEquals("message", json.path("interrupt_mode").asText());
        assertEquals("-Xmx1g", json.path("argv").get(1).asText());
        assertTrue(json.path("metadata").isObject());
    }

    @Test
    void forCurrentJvmUsesThisJavaAndAnAbsoluteClassPath() {
        JavaKernelSpec spec = JavaKernelSpec.forCurrentJvm(dir.resolve("cache"));
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java"), spec.javaExecutable());
        assertTrue(Files.isExecutable(spec.javaExecutable()));
        for (String entry : spec.classPath().split(File.pathSeparator)) {
            assertTrue(Path.of(entry).isAbsolute(), entry);
        }
        KernelSpec record = spec.toKernelSpec(dir.resolve("java"));
        assertEquals("java", record.name());
        assertEquals(InterruptMode.MESSAGE, record.interruptMode());
        assertTrue(record.launchable());
    }

    @Test
    void writeToCreatesASpecDirectoryTheCatalogFinds() throws Exception {
        JavaKernelSpec spec = new JavaKernelSpec(Path.of("/usr/bin/java"), "/k/kernelgate.jar");
        Path specDir = spec.writeTo(dir.resolve("kernels"));
        assertEquals(dir.resolve("kernels").resolve("java"), specDir);
        for (String logo : JavaKernelSpec.LOGOS) {
            BufferedImage image = ImageIO.read(specDir.resolve(logo).toFile());
            assertNotNull(image, logo);
            int size = Integer.parseInt(logo.replaceAll("\\D+(\\d+)x.*", "$1"));
            assertEquals(size, image.getWidth());
            assertEquals(size, image.getHeight());
        }
        KernelSpec parsed = new KernelSpecParser().parseKernelDir(specDir);
        assertEquals(spec.argv(), parsed.argv());
        assertEquals("Java", parsed.displayName());
        assertEquals("java", parsed.language());
        assertEquals(InterruptMode.MESSAGE, parsed.interruptMode());
        assertTrue(parsed.resources().containsKey("logo-64x64"));

        KernelSpecCatalog catalog = new KernelSpecCatalog(KernelSpecSearchPath.of(List.of(dir.resolve("kernels")),
                List.of()));
        assertEquals(spec.argv(), catalog.find("java").orElseThrow().argv());

        // Installing again replaces the files.
        new JavaKernelSpec(Path.of("/other/java"), "/k/kernelgate.jar").writeTo(dir.resolve("kernels"));
        assertEquals("/other/java", Json.MAPPER.readTree(specDir.resolve("kernel.json").toFile())
                .path("argv").get(0).asText());
        try (var files = Files.list(specDir)) {
            assertEquals(3, files.count(), "kernel.json and two logos, no temporary files");
        }
    }

    @Test
    void classDataSharingIsAutomaticFromJdk19() {
        Path java = Path.of("/jdk/bin/java");
        assertEquals(List.of(), JavaKernelSpec.classDataSharing(Runtime.Version.parse("17.0.15"), java, "k.jar",
                dir.resolve("cds")));
        List<String> flags = JavaKernelSpec.classDataSharing(Runtime.Version.parse("25.0.3+9-LTS"), java, "k.jar",
                dir.resolve("cds"));
        assertEquals("-XX:+AutoCreateSharedArchive", flags.get(0));
        assertTrue(flags.get(1).startsWith("-XX:SharedArchiveFile=" + dir.resolve("cds").resolve("java-kernel-25.0.3")),
                flags::toString);
        assertTrue(Files.isDirectory(dir.resolve("cds")));
        assertTrue(JavaKernelSpec.classDataSharing(Runtime.Version.parse("21"), java, "other.jar", dir.resolve("cds"))
                .get(1).endsWith(".jsa"));
    }

    @Test
    void anEmptyClassPathIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new JavaKernelSpec(Path.of("java"), " "));
    }
}
