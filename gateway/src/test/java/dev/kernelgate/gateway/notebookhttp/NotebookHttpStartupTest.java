package dev.kernelgate.gateway.notebookhttp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.gateway.GatewaySettings;
import dev.kernelgate.gateway.KernelGatewayServer;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A notebook the personality cannot serve stops the start with a message that says why; no kernel is left. */
class NotebookHttpStartupTest {
    @TempDir
    Path dir;

    private RuntimeException failure(String notebook, String... flags) {
        return assertThrows(RuntimeException.class, () -> NotebookGateway.startServer(dir, notebook, flags).close());
    }

    @Test
    void aNotebookWithoutEndpointsIsRefused() {
        assertTrue(failure("no_endpoints.ipynb").getMessage().contains("No endpoints"));
    }

    @Test
    void aFailingSeedCellIsRefusedAndItsKernelStopped() throws Exception {
        RuntimeException e = failure("failing_seed.ipynb");
        assertTrue(e.getMessage().contains("seeding breaks"), e.getMessage());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            try (var files = Files.list(dir)) {
                assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith("kernel-")).count(),
                        "no connection file is left behind");
            }
        });
    }

    @Test
    void anUnknownKernelspecIsRefusedUnlessForced() throws Exception {
        assertTrue(failure("unknown_kernel.ipynb").getMessage().contains("No such kernel named no-such-kernel"));
        try (NotebookGateway gw = NotebookGateway.start(dir, "unknown_kernel.ipynb",
                "--KernelGatewayApp.force_kernel_name=python3")) {
            assertEquals("hello\n", gw.get("/hello").body());
        }
    }

    @Test
    void aMissingNotebookIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KernelGatewayServer(
                GatewaySettings.parse(Map.of("KG_API", "notebook-http", "KG_SEED_URI", dir.resolve("gone.ipynb")
                        .toString()), List.of("--port=0")), Map.of(),
                KernelManagerConfig.defaults(Map.of()).withRuntimeDir(dir)).start().close());
        assertTrue(e.getMessage().contains("gone.ipynb"), e.getMessage());
    }
}
