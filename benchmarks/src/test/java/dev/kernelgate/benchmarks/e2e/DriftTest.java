package dev.kernelgate.benchmarks.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's verdict on a figure: window medians, the slope over the second half, the tolerance. */
class DriftTest {
    @Test
    void aFlatSeriesWithSpikesIsWithinAndAGrowingOneIsNot() {
        List<ServerSampler.Point> flat = new ArrayList<>();
        List<ServerSampler.Point> growing = new ArrayList<>();
        for (int t = 0; t <= 600; t += 2) {
            // A spike now and then (a burst in flight when sampled) does not move a median.
            flat.add(new ServerSampler.Point(t, t % 30 == 0 ? 90 : 40));
            growing.add(new ServerSampler.Point(t, 40 + t / 20.0)); // +3 per minute
        }
        Drift ok = Drift.of(ServerSampler.Metric.THREADS, flat, 120, 600, 60);
        assertEquals(40, ok.first());
        assertEquals(40, ok.last());
        assertTrue(ok.within());
        Drift leak = Drift.of(ServerSampler.Metric.THREADS, growing, 120, 600, 60);
        assertEquals(3.0, leak.slopePerMinute(), 1e-9);
        assertEquals(21.05, leak.growth(), 1e-9);
        assertFalse(leak.within());
    }

    @Test
    void noSamplesInAWindowIsNoVerdictOfFlat() {
        Drift d = Drift.of(ServerSampler.Metric.FDS, List.of(new ServerSampler.Point(1, 10)), 20, 60, 10);
        assertTrue(Double.isNaN(d.first()));
        assertFalse(d.within());
    }

    @Test
    void heapInfoOfTheSerialCollectorIsSummedOverItsGenerations() throws IOException {
        String info = """
                12345:
                 def new generation   total 4096K, used 138K [0x00000000f0000000, 0x00000000f0470000)
                  eden space 3648K,   3% used [0x00000000f0000000, 0x00000000f0022b30, 0x00000000f0390000)
                 tenured generation   total 9008K, used 8555K [0x00000000f5550000, 0x00000000f5e1c000)
                   the space 9008K,  94% used [0x00000000f5550000, 0x00000000f5daaff0, 0x00000000f5dab000)
                 Metaspace       used 18486K, committed 18752K, reserved 1114112K
                """;
        assertEquals((138 + 8555) * 1024L, HeapAfterGc.parseUsedBytes(info));
    }
}
