package dev.kernelgate.gateway.notebookhttp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kernelgate.kernels.Kernel;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pooled kernel that dies is restarted, seeded again, and serves the notebook's state again. */
class NotebookHttpRestartTest {

    @Test
    void aKernelThatDiedIsSeededAgainBeforeItServes(@TempDir Path dir) throws Exception {
        try (NotebookGateway gw = NotebookGateway.start(dir, "echo_api.ipynb")) {
            assertEquals("hi {}\n", gw.get("/greeting").body());
            Kernel kernel = gw.running().kernels().manager().list().iterator().next();
            long pid = kernel.pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(60)).until(() -> kernel.pid() != pid
                    && kernel.state() == Kernel.State.RUNNING);
            // The seed cells ran again: the greeting they define is back (an unseeded kernel answers 500).
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                HttpResponse<String> again = gw.get("/greeting");
                assertEquals(200, again.statusCode(), again.body());
                assertEquals("hi {}\n", again.body());
            });
        }
    }
}
