package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A process's CPU time, thread by thread, from the scheduler's own accounting ({@code se.sum_exec_runtime} of
 * /proc/PID/task/TID/sched, exact where /proc/PID/stat counts 10 ms ticks). Each thread's last reading is kept, so
 * a thread that ends (a JVM ends idle compiler threads and process reapers) does not take its time out of the total,
 * which therefore never falls between two readings; only what such a thread spent after the last reading is missed.
 */
final class ThreadCpu {
    private final Path tasks;
    private final Map<String, Reading> seen = new HashMap<>();

    private record Reading(long nanos, boolean jit) {
    }

    ThreadCpu(long pid) {
        this.tasks = Path.of("/proc", Long.toString(pid), "task");
    }

    /** All of the process's CPU time so far, and the part HotSpot's compiler threads ("C1/C2 CompilerThread") spent. */
    synchronized ProcFs.Cpu read() {
        try (var list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                try {
                    long nanos = schedNanos(task);
                    boolean jit = Files.readString(task.resolve("comm")).contains("CompilerThre");
                    seen.put(task.getFileName().toString(), new Reading(nanos, jit));
                } catch (IOException e) {
                    // the thread ended meanwhile: its last reading stands
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the threads in " + tasks, e);
        }
        long total = 0;
        long jit = 0;
        for (Reading t : seen.values()) {
            total += t.nanos();
            jit += t.jit() ? t.nanos() : 0;
        }
        return new ProcFs.Cpu(total, jit);
    }

    private static long schedNanos(Path task) throws IOException {
        for (String line : Files.readAllLines(task.resolve("sched"))) {
            if (line.startsWith("se.sum_exec_runtime")) {
                return Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) * 1e6);
            }
        }
        return 0;
    }
}
