package dev.kernelgate.runtime.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The start-up archive is recorded in a training container of a sandbox image, then mapped by the execd of the next
 * sandboxes (seen in the JVM's memory maps from inside), and no training container is left.
 */
class ExecdClassArchiveTest {
    @Test
    void archiveIsRecordedOnceThenMappedByLaterSandboxes() throws Exception {
        try (DockerEngine engine = DockerTestSupport.engine()) {
            ExecdDistribution distribution = DockerTestSupport.distribution();
            Path archive = distribution.directory().resolve(ExecdClassArchive.ARCHIVE_FILE);
            Files.deleteIfExists(archive);
            SandboxContainers containers = new SandboxContainers(engine, distribution);
            SandboxStarter starter = new SandboxStarter(containers,
                    new ExecdReadiness(containers, HttpClient.newHttpClient(), Clock.systemUTC()), Duration.ofSeconds(60));
            try (ExecdClassArchive classArchive = new ExecdClassArchive(distribution, starter, containers,
                    ContainerSecurity.defaults())) {
                classArchive.recordOnceWith(DockerTestSupport.image());
                await().atMost(Duration.ofSeconds(120)).until(() -> Files.isRegularFile(archive));
            }
            assertTrue(containers.findByLabel(ExecdClassArchive.TRAINING_LABEL, null).isEmpty());

            String run = UUID.randomUUID().toString();
            SandboxStarter.Started sandbox = starter.start(new ContainerSpec("kernelgate-test-" + run,
                    DockerTestSupport.image(), List.of("sleep", "infinity"), Map.of(),
                    Map.of("kernelgate.test/run", run), NetworkMode.HOST, FreePort.pick(), 0, 0,
                    ContainerSecurity.defaults(), List.of()));
            try {
                // The command's parent is execd's JVM: the archive is among its mapped files once it was accepted.
                ExecdClient.Result maps = new ExecdClient(sandbox.execd())
                        .command("grep -c 'cds/execd.jsa' /proc/$PPID/maps");
                assertEquals(0, maps.exitCode(), maps.events().toString());
                assertTrue(Integer.parseInt(maps.stdout().strip()) > 0, maps.stdout());
            } finally {
                containers.remove(sandbox.containerId());
            }
        }
    }
}
