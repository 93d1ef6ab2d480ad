package dev.kernelgate.execd.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kernelgate.execd.command.CommandServer.Events;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measures (prints, does not assert) POST /command of {@code true} to its terminal event. */
class CommandLatencyTest {

    @TempDir
    Path dir;

    @Test
    void trueToTerminalEvent() throws Exception {
        try (CommandServer server = new CommandServer(dir)) {
            String body = "{\"command\":\"true\"}";
            for (int i = 0; i < 30; i++) {
                server.command(body); // warm-up
            }
            int runs = 200;
            double[] millis = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                Events events = server.command(body);
                millis[i] = (System.nanoTime() - t0) / 1e6;
                assertEquals("execution_complete", events.types().get(events.types().size() - 1));
            }
            Arrays.sort(millis);
            String line = String.format("POST /command true -> terminal event over %d runs: median %.2f ms, "
                    + "p90 %.2f ms, min %.2f ms, max %.2f ms", runs, millis[runs / 2], millis[runs * 9 / 10],
                    millis[0], millis[runs - 1]);
            System.out.println(line);
            System.err.println(line);
        }
    }
}
