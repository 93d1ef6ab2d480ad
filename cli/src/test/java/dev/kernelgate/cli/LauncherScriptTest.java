package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./kernelgate} launcher at the repository root, copied into a temporary "repository" with a fake Maven
 * (counts builds, prints to stdout, makes the jar) and a fake java (prints its arguments): it builds when the jar is
 * missing or older than a pom.xml or anything under a module's src/main, not otherwise, and its stdout is the
 * command's alone.
 */
class LauncherScriptTest {
    @TempDir
    Path tmp;

    private Path repo;
    private Path jar;
    private Path builds;
    private Map<String, String> env;

    /** A launcher run: exit code and both streams. */
    private record Run(int exit, String stdout, String stderr) {
    }

    @BeforeEach
    void setUp() throws IOException {
        Path launcher = Path.of("").toAbsolutePath().getParent().resolve("kernelgate");
        assertTrue(Files.isRegularFile(launcher), "the launcher is at the repository root: " + launcher);
        repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        Files.copy(launcher, repo.resolve("kernelgate"));
        executable(repo.resolve("kernelgate"), null);
        write(repo.resolve("pom.xml"), "<project/>");
        write(repo.resolve("cli/pom.xml"), "<project/>");
        write(repo.resolve("wire/pom.xml"), "<project/>");
        write(repo.resolve("cli/src/main/java/dev/kernelgate/cli/Main.java"), "class Main {}");
        write(repo.resolve("wire/src/main/java/dev/kernelgate/wire/Codec.java"), "class Codec {}");
        write(repo.resolve("wire/src/main/resources/notes.txt"), "notes");
        write(repo.resolve("wire/src/test/java/dev/kernelgate/wire/CodecTest.java"), "class CodecTest {}");
        jar = repo.resolve("cli/target/kernelgate.jar");
        builds = tmp.resolve("builds.log");

        Path mvn = executable(tmp.resolve("bin/fake-mvn"), """
                #!/bin/sh
                echo "$*" >> "$BUILDS"
                echo "[INFO] Maven's own output"
                mkdir -p cli/target && echo jar > cli/target/kernelgate.jar
                """);
        Path javaHome = tmp.resolve("jdk");
        executable(javaHome.resolve("bin/java"), """
                #!/bin/sh
                echo "java $*"
                """);
        env = Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString(), "BUILDS", builds.toString(),
                "KERNELGATE_MVN", mvn.toString(), "JAVA_HOME", javaHome.toString(), "KERNELGATE_JAVA_OPTS", "");
    }

    @Test
    void buildsOnlyWhenTheJarIsMissingOrOlderThanItsInputs() throws Exception {
        Run first = launch("kernelspecs", "--json");
        assertEquals(0, first.exit(), first::stderr);
        assertEquals(List.of("-q -B -Dstyle.color=never -Dmaven.test.skip=true -pl cli -am package"), buildLog(),
                "the missing jar was built, once");
        assertEquals("java -jar " + jar + " kernelspecs --json\n", first.stdout(), "stdout is the command's alone");
        assertTrue(first.stderr().contains("Maven's own output"), first::stderr);

        settle();
        assertEquals(0, launch("kernelspecs").exit());
        assertEquals(1, buildLog().size(), "the jar is newer than every input: no build");

        Files.setLastModifiedTime(repo.resolve("cli/src/main/java/dev/kernelgate/cli/Main.java"), now());
        assertEquals("java -jar " + jar + " kernelspecs\n", launch("kernelspecs").stdout());
        assertEquals(2, buildLog().size(), "a source under src/main changed");

        settle();
        Files.delete(repo.resolve("wire/src/main/resources/notes.txt"));
        launch("kernelspecs");
        assertEquals(3, buildLog().size(), "a file under src/main was deleted");

        settle();
        Files.setLastModifiedTime(repo.resolve("wire/pom.xml"), now());
        launch("kernelspecs");
        assertEquals(4, buildLog().size(), "a module's pom.xml changed");

        settle();
        Files.setLastModifiedTime(repo.resolve("wire/src/test/java/dev/kernelgate/wire/CodecTest.java"), now());
        launch("kernelspecs");
        assertEquals(4, buildLog().size(), "tests are not in the jar: no build");
    }

    /** Dates every input an hour back and the jar half an hour back: older than anything touched from now on. */
    private void settle() throws IOException {
        FileTime hourAgo = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS));
        try (Stream<Path> all = Files.walk(repo)) {
            for (Path path : all.toList()) {
                Files.setLastModifiedTime(path, hourAgo);
            }
        }
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minus(30, ChronoUnit.MINUTES)));
    }

    private static FileTime now() {
        return FileTime.from(Instant.now());
    }

    private List<String> buildLog() throws IOException {
        return Files.exists(builds) ? Files.readAllLines(builds) : List.of();
    }

    private Run launch(String... args) throws Exception {
        List<String> command = Stream.concat(Stream.of(repo.resolve("kernelgate").toString()), Stream.of(args))
                .toList();
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(tmp.resolve("stdout").toFile())
                .redirectError(tmp.resolve("stderr").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        return new Run(process.exitValue(), Files.readString(tmp.resolve("stdout")),
                Files.readString(tmp.resolve("stderr")));
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** Makes {@code file} executable, writing {@code content} first unless it is null. */
    private static Path executable(Path file, String content) throws IOException {
        if (content != null) {
            write(file, content);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
