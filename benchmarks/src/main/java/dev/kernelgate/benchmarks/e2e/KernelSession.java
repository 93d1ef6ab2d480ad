package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;

/** One client's conversation with one kernel, whatever the path (WebSocket through a server, or direct ZMQ). */
interface KernelSession extends AutoCloseable {
    /** Executes {@code code} and waits for its reply and idle status. */
    Outcome execute(String code, Duration timeout) throws Exception;

    @Override
    void close();
}
