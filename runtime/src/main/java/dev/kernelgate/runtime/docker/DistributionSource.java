package dev.kernelgate.runtime.docker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the execd in a sandbox runs: a class path (jars or class directories on the host), a main class and its
 * arguments. Production uses the Kernelgate jar ({@code Main execd}); tests use their own class path.
 */
public record DistributionSource(List<Path> classPath, String mainClass, List<String> args) {
    public DistributionSource {
        classPath = List.copyOf(classPath);
        args = List.copyOf(args);
        if (classPath.isEmpty()) {
            throw new IllegalArgumentException("the execd distribution needs a class path");
        }
        for (Path entry : classPath) {
            if (!Files.exists(entry)) {
                throw new IllegalArgumentException("class path entry " + entry + " does not exist");
            }
        }
    }

    /** The shaded Kernelgate jar ({@code cli/target/kernelgate.jar}), running {@code kernelgate execd}. */
    public static DistributionSource kernelgateJar(Path jar) {
        return new DistributionSource(List.of(jar), "dev.kernelgate.cli.Main", List.of("execd"));
    }
}
