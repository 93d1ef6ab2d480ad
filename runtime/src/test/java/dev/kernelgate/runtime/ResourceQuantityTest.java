package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResourceQuantityTest {
    @Test
    void cpuInMillicores() {
        assertEquals(500, ResourceQuantity.cpuMillis("500m"));
        assertEquals(2000, ResourceQuantity.cpuMillis("2"));
        assertEquals(250, ResourceQuantity.cpuMillis("0.25"));
        assertEquals(-1, ResourceQuantity.cpuMillis("two"));
        assertEquals(-1, ResourceQuantity.cpuMillis("0"));
        assertEquals(-1, ResourceQuantity.cpuMillis("-1"));
    }

    @Test
    void memoryInBytes() {
        assertEquals(512L << 20, ResourceQuantity.bytes("512Mi"));
        assertEquals(2L << 30, ResourceQuantity.bytes("2Gi"));
        assertEquals(1_000_000_000L, ResourceQuantity.bytes("1G"));
        assertEquals(1_000_000_000L, ResourceQuantity.bytes("1e9"));
        assertEquals(1024, ResourceQuantity.bytes("1024"));
        assertEquals(-1, ResourceQuantity.bytes("2GB"));
        assertEquals(-1, ResourceQuantity.bytes("100m"));
        assertEquals(-1, ResourceQuantity.bytes("lots"));
    }
}
