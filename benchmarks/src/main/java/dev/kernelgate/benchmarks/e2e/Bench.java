package dev.kernelgate.benchmarks.e2e;

import io.netty.channel.EventLoopGroup;
import java.io.PrintStream;

/** What every scenario gets: the servers it may start, REST and WebSocket clients, the sizes, a progress log. */
record Bench(Servers servers, Rest rest, EventLoopGroup group, Sizes sizes, PrintStream progress) {
    void log(String format, Object... args) {
        progress.printf("[bench] " + format + "%n", args);
        progress.flush();
    }
}
