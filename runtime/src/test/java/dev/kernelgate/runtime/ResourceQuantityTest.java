package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.spi.SandboxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ResourceQuantityTest {
    private static void assertRefused(Executable parse, String why) {
        SandboxException e = assertThrows(SandboxException.class, parse);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("f '"), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void cpuInMillicores() {
        assertEquals(500, ResourceQuantity.cpuMillis("f", "500m"));
        assertEquals(2000, ResourceQuantity.cpuMillis("f", "2"));
        assertEquals(250, ResourceQuantity.cpuMillis("f", "0.25"));
        assertEquals(ResourceQuantity.MAX_CPU_MILLIS, ResourceQuantity.cpuMillis("f", ResourceQuantity.MAX_CPU_MILLIS + "m"));
        assertRefused(() -> ResourceQuantity.cpuMillis("f", "two"), "not a CPU quantity");
        assertRefused(() -> ResourceQuantity.cpuMillis("f", "0"), "not a CPU quantity");
        assertRefused(() -> ResourceQuantity.cpuMillis("f", "-1"), "not a CPU quantity");
        assertRefused(() -> ResourceQuantity.cpuMillis("f", "1e308"), "more than");
        assertRefused(() -> ResourceQuantity.cpuMillis("f", (ResourceQuantity.MAX_CPU_MILLIS + 1) + "m"), "more than");
    }

    @Test
    void memoryInBytes() {
        assertEquals(512L << 20, ResourceQuantity.bytes("f", "512Mi"));
        assertEquals(2L << 30, ResourceQuantity.bytes("f", "2Gi"));
        assertEquals(1_000_000_000L, ResourceQuantity.bytes("f", "1G"));
        assertEquals(1_000_000_000L, ResourceQuantity.bytes("f", "1e9"));
        assertEquals(1_000_000_000L, ResourceQuantity.bytes("f", "1e0009"));
        assertEquals(1024, ResourceQuantity.bytes("f", "1024"));
        assertEquals(Long.MAX_VALUE, ResourceQuantity.bytes("f", Long.toString(Long.MAX_VALUE)));
        assertRefused(() -> ResourceQuantity.bytes("f", "2GB"), "not a memory quantity");
        assertRefused(() -> ResourceQuantity.bytes("f", "100m"), "not a memory quantity");
        assertRefused(() -> ResourceQuantity.bytes("f", "lots"), "not a memory quantity");
        assertRefused(() -> ResourceQuantity.bytes("f", "9223372036854775808"), "more than");
        assertRefused(() -> ResourceQuantity.bytes("f", "1e99999999999"), "more than");
    }

    @Test
    void theFuzzersQuantitiesAreRefusedQuickly() {
        assertRefused(() -> ResourceQuantity.bytes("f", "99999999999999999999Mi"), "more than");
        assertRefused(() -> ResourceQuantity.cpuMillis("f", "9999999999999999999"), "more than");
        assertRefused(() -> ResourceQuantity.cpuMillis("f", "1e99999999999"), "more than");
        // would build a billion-digit number if rounded before the comparison
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> assertRefused(() -> ResourceQuantity.bytes("f", "1e999999999"), "more than"));
        assertRefused(() -> ResourceQuantity.bytes("f", "0e99999999999"), "not a memory quantity");
    }
}
