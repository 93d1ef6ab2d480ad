package dev.kernelgate.execd.command;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A command that writes its output and exits while the reader thread waits for a CPU: on a loaded machine the
 * reader, woken by the write, may not run for longer than the quiet period after the exit. It is not waiting on an
 * empty pipe, so the execution must not end without its output (the soak saw /session runs end with
 * {@code execution_complete} and none of their 100 lines, a few in ten thousand, on a busy 2-core machine).
 */
class PipedExecutionStarvedReaderTest {
    /** Longer than the quiet period, as a starved reader can be. */
    private static final long STARVED_NANOS = 6 * PipedExecution.QUIET_NANOS;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void outputWrittenBeforeTheExitReachesTheListenerWhenItsReaderRunsLate() {
        List<String> events = new CopyOnWriteArrayList<>();
        ExecutionListener listener = new ExecutionListener() {
            @Override
            public void init(String id) {
            }

            @Override
            public void stdout(String text) {
                events.add("stdout " + text);
            }

            @Override
            public void stderr(String text) {
                events.add("stderr " + text);
            }

            @Override
            public void complete(long executionTimeMillis) {
                events.add("complete");
            }

            @Override
            public void error(String ename, String evalue, List<String> traceback) {
                events.add("error " + evalue);
            }
        };
        Process exited = new ExitedProcess(new StarvedPipe("1\n2\n3\n".getBytes(StandardCharsets.US_ASCII)));
        PipedExecution execution = new PipedExecution(exited, true, listener, Runnable::run, timer,
                new ExitSweeper(timer), exitValue -> listener.complete(0));
        Thread reader = new Thread(execution::run, "starved-reader");
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("complete"));
        assertEquals(List.of("stdout 1", "stdout 2", "stdout 3", "complete"), events);
    }

    /**
     * A pipe holding data whose reader has been woken but not yet run: {@code read} stays runnable (spinning, as a
     * thread waiting for a CPU is runnable) for {@link #STARVED_NANOS}, then returns the data, then EOF.
     */
    private static final class StarvedPipe extends InputStream {
        private final byte[] data;
        private boolean delivered;

        StarvedPipe(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (delivered) {
                return -1;
            }
            long until = System.nanoTime() + STARVED_NANOS;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            delivered = true;
            System.arraycopy(data, 0, buffer, offset, data.length);
            return data.length;
        }
    }

    /** A process that has already exited with 0. */
    private static final class ExitedProcess extends Process {
        private final InputStream stdout;

        ExitedProcess(InputStream stdout) {
            this.stdout = stdout;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return stdout;
        }

        @Override
        public InputStream getErrorStream() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public int waitFor() {
            return 0;
        }

        @Override
        public int exitValue() {
            return 0;
        }

        @Override
        public boolean isAlive() {
            return false;
        }

        @Override
        public void destroy() {
        }

        @Override
        public long pid() {
            return 1;
        }
    }
}
