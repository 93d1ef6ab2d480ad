package dev.kernelgate.javakernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A JDK other than the one running the tests (JDK 17), to run the kernel on a current Java. Read from the JDK's
 * {@code release} file, so finding one starts no process.
 *
 * @param home    the JDK's home directory
 * @param version its {@code JAVA_VERSION}
 */
record TestJdk(Path home, Runtime.Version version) {
    /** A JDK home to use instead of searching {@link #JVM_DIR}. */
    static final String OVERRIDE = "KERNELGATE_TEST_JDK";
    static final Path JVM_DIR = Path.of("/usr/lib/jvm");

    /**
     * {@code $KERNELGATE_TEST_JDK}, else the newest JDK of at least {@code feature} under {@value #JVM_DIR}. Fails
     * rather than skips when there is none: the machines these tests run on have Temurin 25 there.
     */
    static TestJdk atLeast(int feature) {
        String override = System.getenv(OVERRIDE);
        List<Path> homes = override != null && !override.isBlank() ? List.of(Path.of(override)) : jvmDirEntries();
        return homes.stream()
                .map(TestJdk::at).flatMap(Optional::stream)
                .filter(jdk -> jdk.version().feature() >= feature)
                .max(Comparator.comparing(TestJdk::version))
                .orElseThrow(() -> new AssertionError("no JDK " + feature + " or later in " + homes + " (this machine"
                        + " kind has Temurin 25 under " + JVM_DIR + "); install one or set " + OVERRIDE
                        + " to a JDK home"));
    }

    /** The JDK whose home is {@code home}, if it has a {@code release} file naming its version and a bin/java. */
    static Optional<TestJdk> at(Path home) {
        if (!Files.isExecutable(home.resolve("bin/java"))) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(home.resolve("release"))) {
            return lines.filter(line -> line.startsWith("JAVA_VERSION="))
                    .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
                    .findFirst()
                    .map(version -> new TestJdk(home, Runtime.Version.parse(version)));
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return Optional.empty(); // not a JDK home, or a version this JDK cannot parse (1.8.0_x)
        }
    }

    private static List<Path> jvmDirEntries() {
        try (Stream<Path> entries = Files.list(JVM_DIR)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    Path java() {
        return home.resolve("bin/java");
    }
}
