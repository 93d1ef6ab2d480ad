package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dynamic class-data-sharing archive of the classes execd loads at start, recorded once per distribution and used
 * by every later sandbox: it takes ~0.7 s off execd's start (create → {@code /ping} ≈ 1.2 s instead of ≈ 1.9 s on
 * this 2-core machine under load).
 *
 * <p>The archive must be recorded where it is used: the JVM checks that the class path it runs with is the one the
 * archive was dumped with, and that is {@code /opt/kernelgate/lib/...} inside a container. So it is recorded in a
 * container: after the first sandbox of a distribution started (its image is known to run execd), a training
 * container of that image runs execd alone with {@code KERNELGATE_EXECD_CDS_TRAIN=1} and the distribution's
 * {@code cds/} directory mounted writable, answers a ping and a command, and is stopped with SIGTERM, at which the
 * JVM writes the archive; it is renamed into place on the host only once complete. This runs in the background and
 * any failure only leaves sandboxes starting without the archive.
 */
public final class ExecdClassArchive implements AutoCloseable {
    static final String DIRECTORY = "cds";
    static final String ARCHIVE_FILE = DIRECTORY + "/execd.jsa";
    static final String TRAINING_FILE = DIRECTORY + "/execd.jsa.recording";
    static final String TRAINING_LABEL = "kernelgate.dev/cds-training";
    private static final Logger LOG = LoggerFactory.getLogger(ExecdClassArchive.class);

    private final ExecdDistribution distribution;
    private final SandboxStarter starter;
    private final SandboxContainers containers;
    private final ContainerSecurity security;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean attempted = new AtomicBoolean();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "execd-cds-training");
        thread.setDaemon(true);
        return thread;
    });

    public ExecdClassArchive(ExecdDistribution distribution, SandboxStarter starter, SandboxContainers containers,
                      ContainerSecurity security) {
        this.distribution = distribution;
        this.starter = starter;
        this.containers = containers;
        this.security = security;
    }

    /** Records the archive in the background with {@code image}, unless it exists or was tried by this server. */
    void recordOnceWith(String image) {
        if (exists() || !attempted.compareAndSet(false, true)) {
            return;
        }
        background.execute(() -> {
            try {
                record(image);
            } catch (RuntimeException e) {
                LOG.warn("no class-data-sharing archive for execd (sandboxes start without it): {}", e.getMessage());
            }
        });
    }

    /** Whether this distribution has its archive. */
    public boolean exists() {
        return Files.isRegularFile(distribution.directory().resolve(ARCHIVE_FILE));
    }

    /** Records the archive now with {@code image}, in the calling thread (benchmarks; the runtime uses the background). */
    public void record(String image) {
        Path directory = distribution.directory().resolve(DIRECTORY);
        int port = FreePort.pick();
        ContainerSpec spec = new ContainerSpec("kernelgate-cds-" + distribution.key() + "-" + port, image,
                List.of(ExecdDistribution.MOUNT_POINT + "/bin/execd"),
                // execd runs as the entrypoint (so the bootstrap's SIGTERM reaches it), not as $EXECD.
                Map.of("EXECD", "true", "KERNELGATE_EXECD_CDS_TRAIN", "1"),
                Map.of(TRAINING_LABEL, distribution.key()), NetworkMode.HOST, port, 0, 0, security,
                List.of(new HostMount(directory, ExecdDistribution.MOUNT_POINT + "/" + DIRECTORY, false)));
        SandboxStarter.Started started = starter.start(spec);
        long exitCode;
        String output;
        try {
            exercise(started.execd());
            containers.stop(started.containerId(), 30);
            exitCode = containers.inspect(started.containerId()).map(ContainerInfo::exitCode).orElse(-1L);
            output = exitCode == 0 ? "" : containers.logTail(started.containerId(), 5);
        } finally {
            containers.remove(started.containerId());
        }
        Path recorded = distribution.directory().resolve(TRAINING_FILE);
        if (exitCode != 0 || !Files.isRegularFile(recorded)) {
            throw new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED,
                    "the training container exited " + exitCode + " without an archive: " + output);
        }
        try {
            Files.move(recorded, distribution.directory().resolve(ARCHIVE_FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED, e.getMessage(), e);
        }
        LOG.info("execd class-data-sharing archive recorded for {}", distribution.directory());
    }

    /** A command, so the classes of the command path are in the archive too. */
    private void exercise(URI execd) {
        HttpRequest command = HttpRequest.newBuilder(execd.resolve("/command")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"true\"}")).build();
        try {
            http.send(command, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED, "training command: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(500, DockerErrors.EXECD_DISTRIBUTION_FAILED, "interrupted");
        }
    }

    /** Training containers an earlier server left (it stopped mid-recording). */
    void removeLeftovers() {
        containers.findByLabel(TRAINING_LABEL, null).forEach(c -> containers.remove(c.id()));
    }

    /**
     * Lets a recording in progress finish (a few seconds) so its container is removed, interrupting it only when it
     * takes longer; a container left then is removed by the next start ({@link #removeLeftovers()}).
     */
    @Override
    public void close() {
        background.shutdown();
        try {
            if (!background.awaitTermination(15, TimeUnit.SECONDS)) {
                background.shutdownNow();
            }
        } catch (InterruptedException e) {
            background.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
