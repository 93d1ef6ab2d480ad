package dev.kernelgate.benchmarks.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The floor of {@code /command}: the same shell started from this JVM the way execd starts it (stdin from
 * {@code /dev/null}, both pipes read to their end, then the exit), with or without the {@code setsid} execd puts in
 * front for a process group of its own. No HTTP, no event stream, no threads of execd's.
 */
final class BareSpawnSession implements KernelSession {
    private static final File DEV_NULL = new File("/dev/null");

    private final List<String> prefix;

    private BareSpawnSession(List<String> prefix) {
        this.prefix = prefix;
    }

    /** {@code bash -c CODE}. */
    static BareSpawnSession shell() {
        return new BareSpawnSession(List.of("bash", "-c"));
    }

    /** {@code setsid bash -c CODE}: what execd runs. */
    static BareSpawnSession setsidShell() {
        return new BareSpawnSession(List.of("setsid", "bash", "-c"));
    }

    @Override
    public Outcome execute(String code, Duration timeout) throws Exception {
        List<String> argv = new ArrayList<>(prefix);
        argv.add(code);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
        drain(process.getInputStream());
        drain(process.getErrorStream());
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException(argv + " did not exit within " + timeout);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        return new Outcome(millis, 0, 0, process.exitValue() == 0 ? "ok" : "error");
    }

    private static void drain(InputStream in) throws IOException {
        try (in) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    @Override
    public Outcome executeOrPartial(String code, Duration timeout) throws Exception {
        return execute(code, timeout);
    }

    @Override
    public void close() {
    }

}
