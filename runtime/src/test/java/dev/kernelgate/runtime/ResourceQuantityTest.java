package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
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

    @Test
    void quantitiesBeyondALongAreTooLargeNotAnOverflow() {
        assertEquals(ResourceQuantity.TOO_LARGE, ResourceQuantity.bytes("99999999999999999999Mi"));
        assertEquals(ResourceQuantity.TOO_LARGE, ResourceQuantity.cpuMillis("9999999999999999999"));
        assertEquals(Long.MAX_VALUE, ResourceQuantity.bytes("9223372036854775807"));
        // an exponent beyond an int, and one that would make a billion-digit number
        assertEquals(ResourceQuantity.TOO_LARGE, ResourceQuantity.cpuMillis("1e99999999999"));
        assertEquals(ResourceQuantity.TOO_LARGE,
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> ResourceQuantity.bytes("1e999999999")));
        assertEquals(-1, ResourceQuantity.bytes("0e99999999999"));
    }
}
