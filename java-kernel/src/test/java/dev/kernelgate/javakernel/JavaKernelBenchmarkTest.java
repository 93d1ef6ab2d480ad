package dev.kernelgate.javakernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints (does not assert) the kernel's start-up and round-trip figures, to
 * {@code target/surefire-reports/...JavaKernelBenchmarkTest-output.txt}. For more runs use
 * {@link JavaKernelBenchmark#main}. Shared, busy machines make these numbers vary a lot.
 */
class JavaKernelBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void printsColdStartAndRoundTrip() throws Exception {
        JavaKernelBenchmark.Figures figures = JavaKernelBenchmark.measure(dir, 3, 200, List.of());
        System.out.println("Java kernel (" + System.getProperty("java.version") + "): " + figures);
        assertTrue(figures.coldStartMinMs() > 0);
    }
}
