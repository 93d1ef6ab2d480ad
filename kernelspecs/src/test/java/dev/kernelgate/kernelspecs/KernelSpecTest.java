package dev.kernelgate.kernelspecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecTest {

    @TempDir
    Path tmp;

    private static KernelSpec spec(String name, List<String> argv, Path resourceDir, Path specFile) {
        return new KernelSpec(name, argv, "D", "L", null, null, null, resourceDir, specFile);
    }

    @Test
    void launchableWhenSomeArgumentContainsTheConnectionFilePlaceholder() {
        Path dir = tmp.resolve("k");
        assertTrue(spec("k", List.of("k", "--connection={connection_file}"), dir, dir.resolve("kernel.json")).launchable());
        assertFalse(spec("k", List.of("k", "{connection-file}"), dir, dir.resolve("kernel.json")).launchable());
    }

    @Test
    void notLaunchableReasonNamesTheFileAndTheIrkernelFix() {
        Path file = Path.of("/etc/kernelgate/kernelspecs/rkernel.json");
        KernelSpec r = spec("rkernel", List.of("R", "--slave", "-e", "IRkernel::main()"), file.getParent(), file);

        String reason = r.notLaunchableReason().orElseThrow();

        assertEquals("kernelspec 'rkernel' (/etc/kernelgate/kernelspecs/rkernel.json) cannot be launched: its argv has"
                + " no {connection_file}; add \"--args\", \"{connection_file}\" at the end of argv (IRkernel)", reason);
    }

    @Test
    void notLaunchableReasonSuggestsIpykernelsFlagOrAGenericFix() {
        Path file = Path.of("/k/kernel.json");
        assertTrue(spec("py", List.of("python3", "-m", "ipykernel_launcher"), file.getParent(), file)
                .notLaunchableReason().orElseThrow().endsWith("add \"-f\", \"{connection_file}\" to argv (ipykernel)"));
        assertTrue(spec("x", List.of("xkernel"), file.getParent(), file)
                .notLaunchableReason().orElseThrow().contains("connection-file argument"));
        assertTrue(spec("ok", List.of("k", "{connection_file}"), file.getParent(), file).notLaunchableReason().isEmpty());
    }

    @Test
    void resourcesAreKernelJsCssAndLogosKeyedWithoutExtension() throws Exception {
        Path dir = SpecFiles.kernelDir(tmp, "ir", SpecFiles.spec("R", "R"));
        for (String file : List.of("kernel.js", "kernel.css", "logo-64x64.png", "logo-svg.svg", "logo-32x32.x.png",
                "kernel.py", "README.md", "logo.png")) {
            Files.writeString(dir.resolve(file), "x");
        }
        Files.createDirectories(dir.resolve("logo-dir"));

        Map<String, Path> resources = new KernelSpecParser().parseKernelDir(dir).resources();

        assertEquals(List.of("kernel.css", "kernel.js", "logo-32x32.x", "logo-64x64", "logo-svg"),
                List.copyOf(resources.keySet()));
        assertEquals(dir.resolve("logo-64x64.png"), resources.get("logo-64x64"));
        assertEquals(dir.resolve("kernel.js"), resources.get("kernel.js"));
    }

    @Test
    void dropInsHaveNoResourcesEvenBesideLogoFiles() throws Exception {
        Path file = SpecFiles.write(tmp.resolve("rkernel.json"), SpecFiles.spec("R", "R"));
        Files.writeString(tmp.resolve("logo-64x64.png"), "x");

        KernelSpec spec = new KernelSpecParser().parseDropIn(file);

        assertTrue(spec.dropIn());
        assertEquals(Map.of(), spec.resources());
    }

    @Test
    void resourcesOfAVanishedDirectoryAreEmpty() {
        Path dir = tmp.resolve("gone");
        assertEquals(Map.of(), spec("gone", List.of("k"), dir, dir.resolve("kernel.json")).resources());
    }

    @Test
    void toJsonHasExactlyTheSixToDictKeys() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("Z", "1");
        env.put("A", "2");
        ObjectNode metadata = JsonNodeFactory.instance.objectNode().put("debugger", true);
        Path dir = tmp.resolve("python3");
        KernelSpec spec = new KernelSpec("python3", List.of("python3", "-f", "{connection_file}"), "Python 3",
                "python", InterruptMode.MESSAGE, env, metadata, dir, dir.resolve("kernel.json"));

        ObjectNode json = spec.toJson();

        assertEquals(List.of("argv", "env", "display_name", "language", "interrupt_mode", "metadata"),
                List.copyOf(json.properties().stream().map(Map.Entry::getKey).toList()));
        assertEquals("{\"argv\":[\"python3\",\"-f\",\"{connection_file}\"],\"env\":{\"Z\":\"1\",\"A\":\"2\"},"
                + "\"display_name\":\"Python 3\",\"language\":\"python\",\"interrupt_mode\":\"message\","
                + "\"metadata\":{\"debugger\":true}}", json.toString());
    }

    @Test
    void recordIsImmutable() {
        ObjectNode metadata = JsonNodeFactory.instance.objectNode().put("a", 1);
        Path dir = tmp.resolve("k");
        KernelSpec spec = new KernelSpec("k", List.of("k"), null, null, null, Map.of(), metadata, dir,
                dir.resolve("kernel.json"));

        metadata.put("a", 2);
        spec.metadata().put("a", 3);
        spec.toJson().withObject("/metadata").put("a", 4);

        assertEquals(1, spec.metadata().get("a").intValue());
        assertThrows(UnsupportedOperationException.class, () -> spec.argv().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> spec.env().put("x", "y"));
    }

    @Test
    void nameMustBeLowerCaseAndArgvNonEmpty() {
        Path dir = tmp.resolve("k");
        assertThrows(IllegalArgumentException.class, () -> spec("Python3", List.of("k"), dir, dir));
        assertThrows(IllegalArgumentException.class, () -> spec("k", List.of(), dir, dir));
        assertTrue(KernelSpec.isValidName("my-kernel_1.0"));
        assertFalse(KernelSpec.isValidName("my kernel"));
    }
}
