package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits until a sandbox's execd answers {@code GET /ping}, watching the container meanwhile: a container that stops
 * first (an image that cannot run execd, an entrypoint that exits) fails at once with the end of its output, rather
 * than after the whole timeout.
 */
public final class ExecdReadiness {
    /** Between two pings: execd starts in ~0.5-1 s, so finer polling would only burn the CPU it needs. */
    private static final Duration INTERVAL = Duration.ofMillis(20);

    private final SandboxContainers containers;
    private final HttpClient http;
    private final Clock clock;

    public ExecdReadiness(SandboxContainers containers, HttpClient http, Clock clock) {
        this.containers = containers;
        this.http = http;
        this.clock = clock;
    }

    /**
     * @param containerId the container execd runs in
     * @param base        execd's base URL, e.g. {@code http://127.0.0.1:45123}
     * @throws SandboxException {@code DOCKER::IMAGE_UNSUPPORTED} when the bootstrap refused the image,
     *                         {@code DOCKER::SANDBOX_EXECD_START_FAILED} when the container stopped or the time ran out
     */
    public void await(String containerId, URI base, Duration timeout) {
        awaitAnswer(containerId, base.resolve("/ping"), timeout);
    }

    /** As {@link #await}, for any URL a process in the container serves with 200 once it is up. */
    public void awaitAnswer(String containerId, URI probe, Duration timeout) {
        HttpRequest ping = HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).GET().build();
        Instant deadline = clock.instant().plus(timeout);
        for (int attempt = 0; ; attempt++) {
            if (answers(ping)) {
                return;
            }
            // Every fifth attempt (~0.1 s): one local engine call, cheap next to a JVM starting.
            if (attempt % 5 == 4) {
                ContainerInfo info = containers.inspect(containerId).orElseThrow(() -> new SandboxException(500,
                        DockerErrors.EXECD_START_FAILED, "container " + containerId + " vanished while starting"));
                if (info.stopped()) {
                    throw stopped(containerId, info);
                }
            }
            if (clock.instant().isAfter(deadline)) {
                throw new SandboxException(500, DockerErrors.EXECD_START_FAILED, "container " + containerId
                        + " did not answer " + ping.uri() + " within " + timeout.toMillis() + " ms; its output: "
                        + containers.logTail(containerId, 20));
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException(500, DockerErrors.EXECD_START_FAILED, "interrupted while waiting for execd");
            }
        }
    }

    private boolean answers(HttpRequest ping) {
        try {
            return http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private SandboxException stopped(String containerId, ContainerInfo info) {
        String output = containers.logTail(containerId, 20);
        if (info.exitCode() == ExecdDistribution.INCOMPATIBLE_IMAGE_EXIT) {
            return new SandboxException(400, DockerErrors.IMAGE_UNSUPPORTED, output);
        }
        if (SandboxContainers.missingShell(output + " " + info.error())) {
            return SandboxContainers.noShell(info.image(), null);
        }
        return new SandboxException(500, DockerErrors.EXECD_START_FAILED, "container " + containerId
                + " stopped (exit code " + info.exitCode() + ") before it answered; its output: " + output);
    }
}
