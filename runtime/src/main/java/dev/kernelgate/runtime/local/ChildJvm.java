package dev.kernelgate.runtime.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start another JVM running this code: the running JVM's own {@code java} binary and class path, which is
 * the shaded jar under {@code ./kernelgate} and the module class path (or surefire's manifest jar, whose
 * {@code Class-Path} the child honours too) under Maven.
 *
 * @param java      the {@code java} executable
 * @param classPath the class path, as {@code -cp} takes it
 */
record ChildJvm(String java, String classPath) {

    static ChildJvm current() {
        String java = ProcessHandle.current().info().command()
                .filter(c -> Files.isExecutable(Path.of(c)))
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ChildJvm(java, System.getProperty("java.class.path"));
    }

    /** {@code java <options> -cp <class path> <main> <args>}. */
    List<String> command(List<String> options, Class<?> main, List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.addAll(options);
        argv.add("-cp");
        argv.add(classPath);
        argv.add(main.getName());
        argv.addAll(args);
        return argv;
    }

    /** True when every class path entry exists (a deleted surefire jar would make every child fail). */
    boolean usable() {
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !Files.exists(Path.of(entry))) {
                return false;
            }
        }
        return true;
    }
}
