package dev.kernelgate.runtime.docker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The real engine the tests use ({@code DOCKER_HOST}, set by scripts/test after scripts/docker-engine started it),
 * the debootstrap test image ({@code KERNELGATE_TEST_IMAGE}, built by scripts/docker-test-image) and an execd
 * distribution of this module's test class path, cached under {@code KERNELGATE_CACHE}.
 */
final class DockerTestSupport {
    static final String DEFAULT_IMAGE = "kernelgate-test/bookworm:minbase";

    private DockerTestSupport() {
    }

    /** The engine named by DOCKER_HOST; the calling test is skipped when there is none (scripts/test always sets it). */
    static DockerEngine engine() {
        String host = System.getenv("DOCKER_HOST");
        assumeTrue(host != null && !host.isBlank(), "DOCKER_HOST is not set (scripts/test starts an engine and sets it)");
        return new DockerEngine(host, Duration.ofSeconds(60));
    }

    static String image() {
        String image = System.getenv("KERNELGATE_TEST_IMAGE");
        return image == null || image.isBlank() ? DEFAULT_IMAGE : image;
    }

    static Path cacheDir() {
        String cache = System.getenv("KERNELGATE_CACHE");
        Path root = cache == null || cache.isBlank() ? Path.of("/var/cache/kernelgate") : Path.of(cache);
        if (!Files.isWritable(root.getParent() == null ? root : root.getParent()) && !Files.isWritable(root)) {
            root = Path.of("target", "kernelgate-cache").toAbsolutePath();
        }
        return root.resolve("execd-dist");
    }

    /** A distribution running {@link ContainerExecdMain} on this JVM's test class path, with a runtime from this JDK. */
    static ExecdDistribution distribution() {
        Path cache = cacheDir();
        JavaRuntimeImage runtime = new JavaRuntimeImage(Path.of(System.getProperty("java.home")), cache);
        return new ExecdDistributionBuilder(runtime, cache).build(
                new DistributionSource(testClassPath(), ContainerExecdMain.class.getName(), List.of()));
    }

    /** Surefire runs tests from a manifest-only jar; the real class path is in surefire.test.class.path. */
    static List<Path> testClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of)
                .filter(Files::exists).toList();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
