package dev.kernelgate.runtime.docker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The real engine the tests use ({@code DOCKER_HOST}, set by scripts/test after scripts/docker-engine started it),
 * the debootstrap test image ({@code KERNELGATE_TEST_IMAGE}, built by scripts/docker-test-image) and an execd
 * distribution of this module's test class path, in the same cache as the server's.
 */
final class DockerTestSupport {
    static final String DEFAULT_IMAGE = "kernelgate-test/bookworm:minbase";
    /** Label with a per-test-class value on every container a test creates, so it removes exactly its own. */
    static final String RUN_LABEL = "kernelgate.test/run";

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

    /** Starts sandboxes of {@code containers} and waits up to a minute for their execd. */
    static SandboxStarter starter(SandboxContainers containers) {
        return new SandboxStarter(containers,
                new ExecdReadiness(containers, HttpClient.newHttpClient(), Clock.systemUTC()), Duration.ofSeconds(60));
    }

    /** Egress sidecars of {@code containers} with {@code settings}, as the provider makes them. */
    static EgressSidecars sidecars(DockerEngine engine, SandboxContainers containers, ExecdDistribution distribution,
                                   ContainerSecurity security, dev.kernelgate.runtime.config.EgressSettings settings) {
        return new EgressSidecars(engine, containers, distribution, security, settings,
                new ExecdReadiness(containers, HttpClient.newHttpClient(), Clock.systemUTC()), Duration.ofSeconds(60),
                DockerRuntimeProvider.cacheDir(System.getenv()).resolve("egress-resolv.conf"),
                new EgressTools(DockerRuntimeProvider.cacheDir(System.getenv())));
    }

    /** Removes every container labelled with this run, running or not. */
    static void removeRun(SandboxContainers containers, String run) {
        containers.findByLabel(RUN_LABEL, run).forEach(c -> containers.remove(c.id()));
    }

    /** A distribution of this JVM's test class path ({@link ClassPathExecdMain}), with a runtime from this JDK. */
    static ExecdDistribution distribution() {
        Path cache = DockerRuntimeProvider.cacheDir(System.getenv());
        JavaRuntimeImage runtime = new JavaRuntimeImage(Path.of(System.getProperty("java.home")), cache);
        return new ExecdDistributionBuilder(runtime, cache).build(
                DockerRuntimeProvider.source());
    }
}
