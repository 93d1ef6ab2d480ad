package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;

/** One client's conversation with one kernel, whatever the path (WebSocket through a server, or direct ZMQ). */
interface KernelSession extends AutoCloseable {
    /** Executes {@code code} and waits for its reply and idle status. */
    Outcome execute(String code, Duration timeout) throws Exception;

    /**
     * As {@link #execute}, but when the reply or the idle status does not come in time, returns what did arrive
     * with {@link Outcome#millis()} NaN and status {@code "timeout"} (a server that drops messages may drop those).
     */
    Outcome executeOrPartial(String code, Duration timeout) throws Exception;

    @Override
    void close();
}
