package dev.kernelgate.benchmarks.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.benchmarks.flood.FloodKernel;
import dev.kernelgate.wire.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The kernelspec of the flood kernel, written into the run's work directory: the JVM running the benchmark and its
 * class path start {@link FloodKernel}. Servers and the floor find it through {@code JUPYTER_PATH}.
 */
final class FloodKernelSpec {
    static final String NAME = "flood";

    private FloodKernelSpec() {
    }

    /** Writes {@code dir/kernels/flood/kernel.json}; returns the environment that makes it visible. */
    static Map<String, String> install(Path dir) throws IOException {
        Path specDir = dir.resolve("kernels").resolve(NAME);
        Files.createDirectories(specDir);
        ObjectNode spec = Json.object();
        spec.putArray("argv").add(Path.of(System.getProperty("java.home"), "bin", "java").toString())
                .add("-Xmx256m").add("-cp").add(classPath())
                .add(FloodKernel.class.getName()).add("{connection_file}");
        spec.put("display_name", "Flood (benchmark kernel)");
        spec.put("language", "flood");
        spec.put("interrupt_mode", "message");
        Files.write(specDir.resolve("kernel.json"), Json.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(spec));
        String inherited = System.getenv("JUPYTER_PATH");
        return Map.of("JUPYTER_PATH", inherited == null || inherited.isEmpty() ? dir.toString()
                : dir + File.pathSeparator + inherited);
    }

    /** This JVM's class path with absolute entries (benchmarks/run gives relative ones; kernels start elsewhere). */
    static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
