package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads process figures from /proc. */
final class ProcFs {
    private ProcFs() {
    }

    static long rssBytes(long pid) throws IOException {
        return statusKb(pid, "VmRSS:") * 1024;
    }

    static long threads(long pid) throws IOException {
        return statusKb(pid, "Threads:");
    }

    /** Open file descriptors of {@code pid}. */
    static long fds(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    static long peakRssBytes(long pid) throws IOException {
        return statusKb(pid, "VmHWM:") * 1024;
    }

    /** CPU time of a process, in nanoseconds: all of it, and the part its JIT compiler threads spent. */
    record Cpu(long nanos, long jitNanos) {
        Cpu minus(Cpu before) {
            return new Cpu(nanos - before.nanos, jitNanos - before.jitNanos);
        }

        Cpu plus(Cpu other) {
            return new Cpu(nanos + other.nanos, jitNanos + other.jitNanos);
        }
    }

    /** CPU time of {@code pid} so far, in nanoseconds (see {@link ThreadCpu}). */
    static long cpuNanos(long pid) {
        return new ThreadCpu(pid).read().nanos();
    }

    /** CPU time of the live child processes of {@code parent} (a server's kernels), in nanoseconds. */
    static long childrenCpuNanos(long parent) {
        long total = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(fields[1]) == parent) {
                        total += cpuNanos(Long.parseLong(name));
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list /proc", e);
        }
        return total;
    }

    /** The first number of a /proc/PID/status field (kB for sizes, a count for Threads). */
    private static long statusKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }

    /** A one-line description of this machine: CPU model, cores, memory, kernel. */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            long memKb = 0;
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
            return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                    + Math.round(memKb / 1024.0 / 1024.0) + " GiB RAM, Linux " + kernel + ", Java "
                    + System.getProperty("java.version");
        } catch (IOException | RuntimeException e) {
            return cpu;
        }
    }
}
